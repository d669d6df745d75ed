from apps.declarations import services

GOOD_VALUES = {"EFF": "85", "NOISE": "40", "STANDBY": "0.8"}


def declare(*, user, category, pdf=None, number="Q/BJT 001-2024", values=None, publish=True):
    """Walk the workflow through the services: create, values, text, publish."""
    enterprise = user.membership.enterprise
    standard = services.standard_create(
        enterprise=enterprise,
        standard_no=number,
        standard_type="enterprise",
        name="电饭锅企业标准",
        category=category,
        products="IH电饭煲 FB-30A",
        actor=user,
    )
    services.version_set_values(
        standard=standard, values=values if values is not None else GOOD_VALUES, actor=user
    )
    if pdf is not None:
        services.version_attach_text(standard=standard, upload=pdf, actor=user)
    if publish:
        standard = services.standard_publish(
            standard=standard, actor=user, commitment_accepted=True
        )
    standard.refresh_from_db()
    return standard

from celery import shared_task

from apps.accounts import services


@shared_task(name="accounts.invite_new_users")
def invite_new_users(user_ids: list[int]) -> int:
    """After an import created accounts: mail each new account its invitation (links use
    `PORTAL_BASE_URL`, there is no request)."""
    return services.invite_new_users(user_ids=user_ids)

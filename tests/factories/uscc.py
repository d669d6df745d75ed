from apps.core.uscc import ALPHABET, check_character


def make_uscc(serial: int, division: str = "110108") -> str:
    """A valid USCC: 9 (enterprise) 1 (company), a division code, a serial, its check char."""
    body = f"91{division}"
    digits = []
    value = serial
    for _ in range(17 - len(body)):
        digits.append(ALPHABET[value % 31])
        value //= 31
    first17 = body + "".join(reversed(digits))
    return first17 + check_character(first17)

from parsers.charsets import decode_bytes, recover_8bit


def test_declared_bogus_and_missing_charsets():
    assert decode_bytes("Dégâts".encode("cp1252"), "windows-1252") == "Dégâts"
    assert decode_bytes("Dégâts".encode("utf-8"), "x-unknown-bogus") == "Dégâts"
    assert decode_bytes("Dégâts".encode("cp1252"), "utf-8") == "Dégâts"
    assert decode_bytes("스티해".encode("cp949"), "ks_c_5601-1987") == "스티해"


def test_8bit_header_recovery():
    raw = "Sinistre réf".encode("utf-8").decode("ascii", "surrogateescape")
    assert recover_8bit(raw) == "Sinistre réf"



def test_text_bytes_in_a_file_named_pdf_are_a_corrupt_file_not_a_message():
    from parsers.message import parse_message
    parsed = parse_message(b"oops\n", "scan.pdf")
    assert parsed.unreadable and parsed.unreadable.startswith("corrupt_file")
    assert parse_message(b"oops\n", "note.txt").unreadable is None

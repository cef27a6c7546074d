from parsers.html import html_to_text


def test_tables_keep_label_value_rows_and_scripts_are_dropped():
    html = ("<html><head><style>p{color:red}</style><script>var x=1</script></head><body>"
            "<p>Bonjour,<br>voici la mission</p><table><tr><td>N° de sinistre</td><td>B1234567</td></tr>"
            "<tr><td>Assuré</td><td>DUPONT&nbsp;Jean</td></tr></table><script>alert('x')</script></body></html>")
    text = html_to_text(html)
    assert "N° de sinistre | B1234567" in text
    assert "Assuré | DUPONT Jean" in text
    assert "Bonjour,\nvoici la mission" in text
    assert "alert" not in text and "color" not in text


def test_deeply_nested_html_is_bounded():
    html = "<div>" * 200_000 + "fin" + "</div>" * 200_000
    assert isinstance(html_to_text(html, max_bytes=500_000), str)

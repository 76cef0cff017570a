"""The SDK reads a multipart get-batch reply as it arrives: parts split on the boundary only."""

import io

from pyaistore.sdk.batch.multipart import MultipartReader, boundary_of


def test_parts_and_a_body_holding_boundary_like_bytes() -> None:
    archive = b"--bound" + b"x" * 70_000 + b"\r\n--boun"
    body = (
        b'--bound\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{"out":[]}\r\n'
        b'--bound\r\nContent-Disposition: form-data; name="archive"\r\n\r\n' + archive + b"\r\n--bound--\r\n"
    )
    reader = MultipartReader(io.BytesIO(body), boundary_of("multipart/mixed; boundary=bound"))
    first = reader.next_part()
    assert first is not None and first[1].read() == b'{"out":[]}'
    second = reader.next_part()
    assert second is not None and "archive" in second[0]["content-disposition"]
    assert second[1].read() == archive
    assert reader.next_part() is None

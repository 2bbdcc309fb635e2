import Parapet
import ParapetTesting
import ParapetTestSupport
import Testing

/// Request-smuggling inputs at the socket: each gets an exact status and, when its framing is in doubt,
/// a closed connection — so no second request can hide in what a front proxy took for a body.
@Suite("HTTP/1 smuggling inputs get exact answers", .serialized)
struct SmugglingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let request: String
        /// The status line's code; `200` means the request is served (its body is echoed as `ok N`).
        let status: Int
        let body: String?
        var testDescription: String { name }

        init(_ name: String, _ request: String, _ status: Int, body: String? = nil) {
            self.name = name
            self.request = request
            self.status = status
            self.body = body
        }
    }

    static let cases: [Case] = [
        Case(
            "Content-Length and Transfer-Encoding",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG", 400),
        Case(
            "Transfer-Encoding and Content-Length",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\nG", 400),
        Case(
            "two different Content-Lengths",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
        Case(
            "two Content-Lengths in one field",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\nhello!", 400),
        Case("obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n b\r\n\r\n", 400),
        Case("obs-fold with a tab", "GET / HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n\tb\r\n\r\n", 400),
        Case("bare LF after the request line", "GET / HTTP/1.1\nHost: a\r\n\r\n", 400),
        Case("bare LF after a field", "GET / HTTP/1.1\r\nHost: a\nX-A: b\r\n\r\n", 400),
        Case("bare LF ending the head", "GET / HTTP/1.1\r\nHost: a\r\n\n", 400),
        Case("bare CR in a field value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n", 400),
        Case("space in a field name", "GET / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n", 400),
        Case("space before the colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
        Case("control byte in a field name", "GET / HTTP/1.1\r\nHost: a\r\nX\u{1}A: b\r\n\r\n", 400),
        Case("separator in a field name", "GET / HTTP/1.1\r\nHost: a\r\nX[A]: b\r\n\r\n", 400),
        Case("empty field name", "GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n", 400),
        Case(
            "chunk size overflowing 64 bits",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1FFFFFFFFFFFFFFFF\r\nx\r\n0\r\n\r\n", 400),
        Case(
            "negative chunk size",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nx\r\n0\r\n\r\n", 400),
        Case("Content-Length with a plus sign", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello", 400),
        Case("Content-Length with a minus sign", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\nhello", 400),
        Case(
            "Content-Length with a space inside", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 0\r\n\r\nhelloworld",
            400),
        Case("Content-Length in hex", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\nhello", 400),
        Case(
            "Content-Length overflowing 64 bits",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\nhello", 400),
        Case(
            "Content-Length with surrounding whitespace (allowed)",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:  5 \r\n\r\nhello", 200, body: "ok 5\n"),
        Case(
            "Transfer-Encoding with chunked not last",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400),
        Case(
            "Transfer-Encoding without chunked",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\nhello", 400),
        Case(
            "Transfer-Encoding naming an unknown coding before chunked",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
        Case(
            "Transfer-Encoding chunked twice",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400),
        Case(
            "Transfer-Encoding: xchunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
            400),
        Case(
            "Transfer-Encoding chunked on HTTP/1.0",
            "POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400),
        Case(
            "chunked (allowed)",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200,
            body: "ok 5\n"),
        Case(
            "Transfer-Encoding in another case (allowed)",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200,
            body: "ok 5\n"),
    ]

    @Test(arguments: cases)
    func getsItsExactStatus(_ input: Case) async throws {
        let helper = BadInputTests()
        try await withRunningServer(try helper.server { _ in }) { address in
            let client = try await RawHTTPConnection(to: address)
            try await client.send(input.request)
            let response = try await withTimeLimit(.seconds(30)) { try await client.readResponse() }
            #expect(response.status == input.status, "\(response.statusLine)")
            if let body = input.body {
                #expect(response.body == body)
            } else {
                // Refused: the connection closes after the answer, so nothing after it is read as a request.
                #expect(response.header("Connection") == "close")
                #expect(try await withTimeLimit(.seconds(30)) { try await client.readToEnd() } == "")
            }
            try await helper.expectStillServing(address)
        }
    }
}

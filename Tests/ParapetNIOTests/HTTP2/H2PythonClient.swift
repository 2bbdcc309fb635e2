import Foundation
import Parapet
import Testing

/// Runs `script` with Debian's Python 3 and its `h2` package (`python3-h2`) after ``H2PythonClient/prelude``, with
/// the server's port as its argument, and decodes the one JSON object it prints.
func runH2Python<Report: Decodable>(
    _ script: String,
    against address: NetworkAddress,
    as report: Report.Type
) async throws -> Report {
    let port = "\(address)".split(separator: ":").last.map(String.init) ?? ""
    // Through `env` by its full path: Debian's Python, which has `h2`, whatever `python3` comes first on PATH.
    let output = try await runTool("env", ["/usr/bin/python3", "-c", H2PythonClient.prelude + script, port])
    do {
        return try JSONDecoder().decode(Report.self, from: Data(output.utf8))
    } catch {
        Issue.record("the h2 script printed \(output.debugDescription)")
        throw error
    }
}

/// A raw HTTP/2 client in Python for the tests that misbehave on purpose: the `h2` package encodes the frames
/// and tracks the streams, and the client reads the frames it gets back itself, so a `GOAWAY` is seen whatever
/// state `h2` is in.
enum H2PythonClient {
    static let prelude = #"""
        import json, os, select, socket, sys, threading, time
        import h2.config, h2.connection, h2.events, h2.exceptions

        PORT = int(sys.argv[1])

        def request_headers(path, method="GET"):
            return [(":method", method), (":path", path), (":scheme", "http"), (":authority", "127.0.0.1")]

        class Client:
            def __init__(self):
                self.sock = socket.create_connection(("127.0.0.1", PORT), timeout=10)
                self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
                self.conn.initiate_connection()
                self.raw = b""
                self.settings = None        # the server's first SETTINGS, {id: value}
                self.goaway = None          # (error code, last stream id) of the server's GOAWAY
                self.resets = {}            # stream id -> error code of the server's RST_STREAM
                self.status = {}            # stream id -> response status
                self.ended = set()          # streams whose response ended
                self.closed = False
                self.flush()

            def flush(self):
                data = self.conn.data_to_send()
                if data and not self.closed:
                    try:
                        self.sock.sendall(data)
                    except OSError:
                        self.closed = True

            def request(self, path, method="GET", end_stream=True, extra=()):
                sid = self.conn.get_next_available_stream_id()
                self.conn.send_headers(sid, request_headers(path, method) + list(extra), end_stream=end_stream)
                self.flush()
                return sid

            def pump(self, limit, until=lambda: False):
                """Reads frames until `until()` holds, the server closes, or `limit` seconds pass."""
                end = time.monotonic() + limit
                while not self.closed and not until():
                    left = end - time.monotonic()
                    if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                        return
                    try:
                        data = self.sock.recv(65536)
                    except OSError:
                        data = b""
                    if not data:
                        self.closed = True
                        return
                    for frame in self.read_frames(data):
                        # One frame at a time: h2 rejects frames after a GOAWAY, which must not lose the ones before.
                        try:
                            events = self.conn.receive_data(frame)
                        except h2.exceptions.ProtocolError:
                            events = []
                        for event in events:
                            if isinstance(event, h2.events.ResponseReceived):
                                self.status[event.stream_id] = int(dict(event.headers)[b":status"])
                            elif isinstance(event, h2.events.DataReceived):
                                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                    self.flush()

            def read_frames(self, data):
                """Notes what the server's complete frames say and returns them, one bytes object each."""
                self.raw += data
                frames = []
                while len(self.raw) >= 9:
                    length = int.from_bytes(self.raw[0:3], "big")
                    if len(self.raw) < 9 + length:
                        break
                    kind, flags = self.raw[3], self.raw[4]
                    stream = int.from_bytes(self.raw[5:9], "big") & 0x7FFFFFFF
                    payload = self.raw[9:9 + length]
                    frames.append(self.raw[:9 + length])
                    self.raw = self.raw[9 + length:]
                    if kind == 0x4 and not flags & 0x1 and self.settings is None:
                        self.settings = {int.from_bytes(payload[i:i + 2], "big"): int.from_bytes(payload[i + 2:i + 6], "big")
                                         for i in range(0, len(payload), 6)}
                    elif kind in (0x0, 0x1) and flags & 0x1:
                        self.ended.add(stream)
                    elif kind == 0x3:
                        self.resets[stream] = int.from_bytes(payload[0:4], "big")
                    elif kind == 0x7 and self.goaway is None:
                        self.goaway = (int.from_bytes(payload[4:8], "big"), int.from_bytes(payload[0:4], "big") & 0x7FFFFFFF)
                return frames

            def wait_closed(self, limit):
                self.pump(limit)
                return self.closed

        """#
}

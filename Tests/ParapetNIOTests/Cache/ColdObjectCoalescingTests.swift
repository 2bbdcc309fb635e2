import Foundation
import HTTPTypes
import NIOCore
import Parapet
import ParapetTestSupport
import Synchronization
import Testing

@Suite("Cache on real sockets: a cold object for ten thousand clients")
struct ColdObjectCoalescingTests {
    /// Ten thousand HTTP/1.1 clients in one Python process (this process's descriptor limit would not
    /// hold both ends of ten thousand connections): all connect first, then all send `GET /big` at once,
    /// and each reads its response to the end, comparing it with the object as the origin makes it.
    /// Prints how many got `200`, how many were answered by the fill another request started
    /// (`collapsed`), and each outcome as `length:same` or `length:different` with the number of
    /// clients that had it.
    static let clients = #"""
        import asyncio, json, sys

        PORT, COUNT, SIZE = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
        OBJECT = memoryview(bytes((i * 7 + (i >> 11)) & 0xFF for i in range(SIZE)))

        async def connect(gate):
            async with gate:
                for attempt in range(50):
                    try:
                        return await asyncio.open_connection("127.0.0.1", PORT, limit=1 << 20)
                    except OSError:
                        await asyncio.sleep(0.05)
                raise RuntimeError("could not connect")

        async def fetch(reader, writer, go):
            await go.wait()
            writer.write(b"GET /big HTTP/1.1\r\nHost: objects.test\r\nConnection: close\r\n\r\n")
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            fields = dict(line.lower().split(b":", 1) for line in head.split(b"\r\n")[1:] if b":" in line)
            length = int(fields[b"content-length"])
            collapsed = b"collapsed" in fields.get(b"cache-status", b"")
            same, read = True, 0
            while read < length:
                chunk = await reader.read(min(length - read, 1 << 20))
                if not chunk:
                    break
                same = same and chunk == OBJECT[read:read + len(chunk)]
                read += len(chunk)
            writer.close()
            return status, f"{read}:{'same' if same and read == SIZE else 'different'}", collapsed

        async def main():
            gate, go = asyncio.Semaphore(256), asyncio.Event()
            connections = await asyncio.gather(*(connect(gate) for _ in range(COUNT)))
            tasks = [asyncio.create_task(fetch(r, w, go)) for r, w in connections]
            go.set()
            results = await asyncio.gather(*tasks)
            bodies = {}
            for _, body, _ in results:
                bodies[body] = bodies.get(body, 0) + 1
            print(json.dumps({"ok": sum(1 for result in results if result[0] == 200), "bodies": bodies,
                              "collapsed": sum(1 for result in results if result[2])}))

        asyncio.run(main())
        """#

    struct Report: Decodable {
        var ok: Int
        var bodies: [String: Int]
        var collapsed: Int
    }

    @Test(.cpuHeavy, .timeLimit(.minutes(5)))
    func tenThousandConcurrentRequestsForAColdMebibyteMakeOneOriginRequest() async throws {
        let size = 1 << 20
        let object = ByteBuffer(bytes: (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) })
        let originRequests = Atomic(0)
        let origin = try loopbackServer()
        origin.use(
            Endpoint { _, _ in
                originRequests.add(1, ordering: .relaxed)
                // Slow (64 chunks, 25 ms apart), so that the clients arrive while the one fill is being written.
                return Response(
                    status: .ok, headerFields: [.cacheControl: "max-age=600"],
                    body: HTTPBody(stream: PacedChunks(whole: object, pause: .milliseconds(25)), length: size))
            })
        var configuration = ServerConfiguration.general
        configuration.maxConnections = nil
        let proxy = try loopbackServer(configuration)
        proxy.use(Cache(store: MemoryCacheStore(byteBudget: 64 << 20)))
        let report = try await withRunningServer(origin) { origin in
            proxy.use(Upstream(SingleHost("\(origin)", transport: HTTPClientTransport())))
            return try await withRunningServer(proxy) { proxy in
                let port = "\(proxy)".split(separator: ":").last.map(String.init) ?? ""
                let output = try await runTool(
                    "env", ["/usr/bin/python3", "-c", Self.clients, port, "10000", "\(size)"])
                return try JSONDecoder().decode(Report.self, from: Data(output.utf8))
            }
        }
        #expect(originRequests.load(ordering: .relaxed) == 1)
        #expect(report.ok == 10_000)
        #expect(report.bodies == ["\(size):same": 10_000])
        // Most clients read the body while it was still arriving from the origin, not from the store.
        #expect(report.collapsed > 5_000)
    }
}

import Foundation
import Parapet
import ParapetTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("The server's sockets do not leak into child processes")
struct CloseOnExecTests {
    @Test func aChildProcessInheritsNeitherTheListeningNorAnAcceptedSocket() async throws {
        let server = try loopbackServer()
        server.use(Endpoint { _, _ in .text("ok\n") })
        try await withRunningServer(server) { address in
            guard case .ip(_, let port) = address else {
                Issue.record("not an IP address: \(address)")
                return
            }
            let client = try await RawHTTPConnection(to: address)
            try await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().status == 200)  // accepted, and still open

            let serverSockets = try socketInodes(boundTo: port)
            #expect(serverSockets.count == 2, "the listening and the accepted socket")
            // A control: a socket created without close-on-exec is inherited, so the check can see one.
            let control = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(control) }
            let controlInode = try #require(inode(ofDescriptor: control, in: "self"))

            let child = try spawn("/bin/sleep", "10")
            defer {
                kill(child, SIGKILL)
                var status: Int32 = 0
                waitpid(child, &status, 0)
            }
            let inherited = try socketInodes(heldBy: child)
            #expect(inherited.contains(controlInode))
            #expect(inherited.isDisjoint(with: serverSockets), "inherited \(inherited.intersection(serverSockets))")
            await client.close()
        }
    }

    /// The inodes of the IPv4 TCP sockets whose local port is `port` (from `/proc/net/tcp`).
    func socketInodes(boundTo port: UInt16) throws -> Set<String> {
        // Read to the end: procfs reports no size, and a single read returns only the first page.
        let file = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/net/tcp"))
        defer { try? file.close() }
        let table = String(decoding: try file.readToEnd() ?? Data(), as: UTF8.self)
        let wanted = String(format: "%04X", port)
        var inodes: Set<String> = []
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 9, fields[1].hasSuffix(":" + wanted) else { continue }
            inodes.insert(String(fields[9]))
        }
        return inodes
    }

    /// The inodes of the sockets among process `pid`'s open descriptors.
    func socketInodes(heldBy pid: pid_t) throws -> Set<String> {
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
        return Set(descriptors.compactMap { inode(ofDescriptor: Int32($0) ?? -1, in: "\(pid)") })
    }

    /// The socket inode `/proc/<process>/fd/<descriptor>` links to, if it is a socket.
    func inode(ofDescriptor descriptor: Int32, in process: String) -> String? {
        guard
            let target = try? FileManager.default.destinationOfSymbolicLink(
                atPath: "/proc/\(process)/fd/\(descriptor)"),
            target.hasPrefix("socket:[")
        else { return nil }
        return String(target.dropFirst("socket:[".count).dropLast())
    }

    /// Starts `path` with `arguments` by a bare `posix_spawn`, which closes nothing but close-on-exec
    /// descriptors (as the Swift runtime does when it starts `swift-backtrace`).
    func spawn(_ path: String, _ arguments: String...) throws -> pid_t {
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, nil, nil, argv, environ)
        try #require(result == 0, "posix_spawn failed: \(result)")
        return pid
    }
}

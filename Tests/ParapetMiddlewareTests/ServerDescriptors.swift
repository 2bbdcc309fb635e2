import Foundation
import Parapet

/// The descriptors this process holds for one server: open files under a directory, and TCP sockets
/// whose local port is the server's (the listener and every accepted connection). Counting only these
/// keeps the number exact while other tests in the same process open and close their own.
struct ServerDescriptors: Equatable, CustomStringConvertible {
    var files: Int
    var sockets: Int

    var description: String { "\(files) files, \(sockets) sockets" }

    init(files: Int, sockets: Int) {
        self.files = files
        self.sockets = sockets
    }

    /// Counts them now.
    init(filesUnder directory: String, port: UInt16) throws {
        let socketInodes = try Self.socketInodes(localPort: port)
        var files = 0
        var sockets = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            // A descriptor closed between the listing and the lookup is simply gone.
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + name)
            else {
                continue
            }
            if target.hasPrefix(directory + "/") {
                files += 1
            } else if target.hasPrefix("socket:["), socketInodes.contains(String(target.dropFirst(8).dropLast())) {
                sockets += 1
            }
        }
        self.files = files
        self.sockets = sockets
    }

    /// The inodes of TCP sockets bound to `localPort`, from `/proc/self/net/tcp` and `tcp6`.
    private static func socketInodes(localPort: UInt16) throws -> Set<String> {
        let portField = ":" + String(localPort, radix: 16, uppercase: true).leftPadded(to: 4)
        var inodes: Set<String> = []
        for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
            let text = try String(contentsOfFile: table, encoding: .utf8)
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                guard fields.count > 9, fields[1].hasSuffix(portField) else { continue }
                inodes.insert(String(fields[9]))
            }
        }
        return inodes
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

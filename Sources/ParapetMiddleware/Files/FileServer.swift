#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HTTPTypes
import NIOFileSystem
public import ParapetCore

/// Serves static files from a directory: index files, `Content-Type` by extension, `ETag` and
/// `Last-Modified` with `If-None-Match` / `If-Modified-Since` (`304`), single byte ranges with
/// `If-Range` (`206`, `416`), `HEAD`, and bodies streamed from disk.
///
/// What it cannot answer — a missing file, a directory without an index file (unless listing is on),
/// a method other than `GET`/`HEAD` — goes on to the next handler, so a file server can sit in front of
/// an application or a ``ParapetCore/Endpoint`` that answers `404`. No request reaches outside the root:
/// `..` segments (however encoded), backslashes and NUL are refused, and the real path of every file, with
/// symbolic links resolved, must lie inside the root's real path.
///
/// ```swift
/// server.use(FileServer(root: "/srv/www"))
/// server.use(Endpoint { _, _ in .error(.notFound) })
/// ```
public struct FileServer: Middleware {
    /// How the file server behaves.
    public struct Options: Sendable {
        /// The files tried, in order, for a request naming a directory. Default `index.html`.
        public var indexFiles: [String]
        /// Whether a directory without an index file is answered with a listing of its entries.
        /// Default `false`: such a request goes to the next handler.
        public var listsDirectories: Bool

        /// Creates options.
        public init(indexFiles: [String] = ["index.html"], listsDirectories: Bool = false) {
            self.indexFiles = indexFiles
            self.listsDirectories = listsDirectories
        }
    }

    /// The directory served, as configured; it is resolved to its real path when the chain is built.
    public let root: String
    public let options: Options

    /// Creates a file server for the directory `root`; the build reports
    /// ``FileServerError/rootNotADirectory(_:)`` when `root` does not name a directory.
    public init(root: String, options: Options = Options()) {
        self.root = root
        self.options = options
    }

    /// Resolves the root to its real path, which every served file must lie inside.
    ///
    /// - Throws: ``FileServerError/rootNotADirectory(_:)`` when the root does not name a directory.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        guard let real = FileServer.realPath(root), FileServer.isDirectory(real) else {
            throw FileServerError.rootNotADirectory(root)
        }
        return FileServingHandler(root: real, options: options, next: next)
    }

    /// The real path of `path` — absolute, symbolic links resolved — or `nil` when nothing is there.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isDirectory(_ path: String) -> Bool {
        // Opening it as a directory, rather than reading `struct stat`: with NIOFileSystem imported too,
        // which module owns that struct depends on the order files are compiled in.
        let flags = O_RDONLY | O_DIRECTORY
        let descriptor = open(path, flags)
        guard descriptor >= 0 else { return false }
        close(descriptor)
        return true
    }
}

/// A file server that cannot be set up.
public enum FileServerError: Error, Equatable, CustomStringConvertible {
    /// The root is missing or not a directory.
    case rootNotADirectory(String)

    public var description: String {
        switch self {
        case .rootNotADirectory(let root): "FileServer root \"\(root)\" is not a directory"
        }
    }
}

import NIOCore
import NIOPosix  // determinism: ok — file I/O runs on NIO's thread pool, as the file server's does; a disk store is no part of a simulation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file operations of a ``DiskCacheStore``: blocking system calls, run on NIO's thread pool so that
/// neither an event loop nor the cooperative pool waits on the disk.
///
/// Each operation is whole — open, read or write, close — in one job, so no descriptor outlives it, and a
/// job once submitted runs even if the task that asked is cancelled: a client hanging up must not leave
/// the store's index and its directory disagreeing.
enum DiskFiles {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            NIOThreadPool.singleton.submit { state in
                guard case .active = state else { return continuation.resume(throwing: DiskCacheError.poolStopped) }
                continuation.resume(with: Result(catching: body))
            }
        }
    }

    /// Writes `bytes` to a new file at `path`, failing if one is there, and flushes it to the disk before
    /// closing: renamed into place afterwards, it is whole after a power cut too, not a file of the right
    /// size with blocks the disk never got.
    static func create(_ path: String, with bytes: ByteBuffer) throws {
        let descriptor = try check(
            "open", path, open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644))
        defer { close(descriptor) }
        try bytes.withUnsafeReadableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = try check(
                    "write", path, write(descriptor, buffer.baseAddress! + offset, buffer.count - offset))
                offset += Int(written)
            }
        }
        try check("fsync", path, fsync(descriptor))
    }

    /// The file's size and its bytes in `range` (fewer when the file is shorter); `nil` when there is no
    /// file at `path`.
    static func read(_ path: String, _ range: Range<Int>) throws -> (size: Int, bytes: ByteBuffer)? {
        // Not through a link, and without waiting on a FIFO: only a regular file is an entry.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        if descriptor < 0, errno == ENOENT { return nil }
        try check("open", path, descriptor)
        defer { close(descriptor) }
        var status = stat()
        try check("fstat", path, fstat(descriptor, &status))
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw DiskCacheError.io(operation: "read", path: path, errno: EINVAL)
        }
        var bytes = ByteBuffer()
        let wanted = max(0, min(range.count, Int(status.st_size) - range.lowerBound))
        try bytes.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { buffer in
            var done = 0
            while done < wanted {
                let count = try check(
                    "read", path,
                    pread(descriptor, buffer.baseAddress! + done, wanted - done, off_t(range.lowerBound + done)))
                if count == 0 { break }
                done += Int(count)
            }
            return done
        }
        return (Int(status.st_size), bytes)
    }

    /// Moves the file at `from` to `to` in one step (`rename(2)`): readers see the old name or the new.
    static func move(_ from: String, to: String) throws {
        try check("rename", to, rename(from, to))
    }

    /// Removes the file at `path`; one already gone is not an error.
    static func remove(_ path: String) throws {
        if unlink(path) != 0, errno != ENOENT { throw DiskCacheError.io(operation: "unlink", path: path, errno: errno) }
    }

    /// Creates the directory at `path` unless it is there.
    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) != 0, errno != EEXIST {
            throw DiskCacheError.io(operation: "mkdir", path: path, errno: errno)
        }
    }

    /// Whether `path` names a regular file itself (not a link to one).
    static func isRegularFile(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }

    /// Takes an exclusive lock on the file at `path` (created if needed) for as long as the returned
    /// descriptor stays open; throws ``DiskCacheError/inUse(_:)`` when another holds it.
    static func lock(_ path: String) throws -> Int32 {
        let descriptor = try check("open", path, open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644))
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { throw DiskCacheError.inUse(path) }
            throw DiskCacheError.io(operation: "flock", path: path, errno: code)
        }
        return descriptor
    }

    /// The names in the directory at `path`, without `.` and `..`.
    static func names(in path: String) throws -> [String] {
        guard let directory = opendir(path) else {
            throw DiskCacheError.io(operation: "opendir", path: path, errno: errno)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    @discardableResult
    private static func check<T: BinaryInteger>(_ operation: String, _ path: String, _ result: T) throws -> T {
        guard result >= 0 else { throw DiskCacheError.io(operation: operation, path: path, errno: errno) }
        return result
    }
}

/// Why a ``DiskCacheStore`` could not open or use its directory.
public enum DiskCacheError: Error, CustomStringConvertible {
    /// A system call failed.
    case io(operation: String, path: String, errno: Int32)
    /// Another store — in this process or another — has the directory open: two stores would hand out
    /// the same file names and delete each other's files.
    case inUse(String)
    /// NIO's thread pool was shut down.
    case poolStopped

    public var description: String {
        switch self {
        case .io(let operation, let path, let code):
            return "disk cache: \(operation) \(path): \(String(cString: strerror(code)))"
        case .inUse(let lock):
            return "disk cache: \(lock) is locked: another DiskCacheStore has this directory open"
        case .poolStopped:
            return "disk cache: NIO's thread pool has been shut down"
        }
    }
}

import NIOCore
import NIOFileSystem
import Synchronization

/// The bytes of a range of a file, read chunk by chunk on NIO's file-system thread pool as the body is
/// pulled (so a slow client holds one chunk, not the file). The file opens at the first read and closes
/// at the end — or when the reader drops the body early, or its task is cancelled. A file that shrank
/// under the reader ends the body with an error, so the client sees a broken response rather than a
/// short one.
struct FileBytes: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    static let chunkLength: Int64 = 64 << 10

    let path: FilePath
    let range: ClosedRange<Int64>

    func makeAsyncIterator() -> Iterator {
        Iterator(path: path, next: range.lowerBound, end: range.upperBound + 1)
    }

    struct Iterator: AsyncIteratorProtocol {
        let path: FilePath
        var next: Int64
        let end: Int64
        var file: OpenFile?

        mutating func next() async throws -> ByteBuffer? {
            guard next < end else {
                try file?.close()
                return nil
            }
            let file = try await openedFile()
            let length = Swift.min(FileBytes.chunkLength, end - next)
            let chunk = try await file.read(at: next, length: length)
            guard chunk.readableBytes == Int(length) else { throw FileShrank(path: path) }
            next += length
            return chunk
        }

        private mutating func openedFile() async throws -> OpenFile {
            if let file { return file }
            let opened = OpenFile(try await FileSystem.shared.openFile(forReadingAt: path))
            file = opened
            return opened
        }
    }

    /// An open file that is closed exactly once: at the end of the body, or when the body is dropped.
    ///
    /// Closing never awaits. NIOFileSystem's `close()` runs on its thread pool and is skipped — throwing
    /// `CancellationError` with the descriptor still open — when the task is cancelled, as it is when a
    /// client hangs up right after the last byte; a handle released open then traps the process
    /// ("Leaking file descriptor"). So the descriptor is detached from the handle and closed in place:
    /// `close(2)` on a file opened for reading does not block.
    final class OpenFile: Sendable {
        private let handle: Mutex<ReadFileHandle?>

        init(_ handle: ReadFileHandle) {
            self.handle = Mutex(handle)
        }

        func read(at offset: Int64, length: Int64) async throws -> ByteBuffer {
            guard let current = handle.withLock({ $0 }) else { throw CancellationError() }
            return try await current.readChunk(fromAbsoluteOffset: offset, length: .bytes(length))
        }

        func close() throws {
            try take()?.detachUnsafeFileDescriptor().close()
        }

        deinit {
            try? close()
        }

        private func take() -> ReadFileHandle? {
            handle.withLock { current in
                defer { current = nil }
                return current
            }
        }
    }

    struct FileShrank: Error, CustomStringConvertible {
        let path: FilePath
        var description: String { "\(path) became shorter while it was being sent" }
    }
}

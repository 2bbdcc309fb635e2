import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A pseudo-terminal for a child process's output: hand ``terminal`` to the child as a stream (it is a
/// terminal to `isatty`), and read what the child wrote from the controlling side with ``readAll()``.
struct PseudoTerminal {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The terminal end, for the child.
    let terminal: FileHandle
    private let controller: Int32

    /// Linux's `TIOCGPTN` and `TIOCSPTLCK` (`<asm-generic/ioctls.h>`), which Swift does not import: the number of a
    /// pseudo-terminal, and its lock.
    private static let getNumber: UInt = 0x8004_5430
    private static let setLock: UInt = 0x4004_5431

    init() throws {
        let controller = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        guard controller >= 0 else { throw Failure(description: "cannot open /dev/ptmx: errno \(errno)") }
        var unlocked: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(controller, Self.setLock, &unlocked) == 0, ioctl(controller, Self.getNumber, &number) == 0 else {
            close(controller)
            throw Failure(description: "cannot unlock the pseudo-terminal: errno \(errno)")
        }
        let terminal = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard terminal >= 0 else {
            close(controller)
            throw Failure(description: "cannot open /dev/pts/\(number): errno \(errno)")
        }
        self.controller = controller
        self.terminal = FileHandle(fileDescriptor: terminal, closeOnDealloc: true)
    }

    /// Everything written to the terminal end until the last holder of it closed it. Blocking reads run on a
    /// thread of their own, off the cooperative pool; the controlling side is closed afterwards.
    func readAll() async -> String {
        let controller = self.controller
        return await withCheckedContinuation { continuation in
            let reader = Thread {
                var bytes: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4_096)
                while true {
                    let count = read(controller, &buffer, buffer.count)
                    guard count > 0 else { break }  // EIO once every writer has closed the terminal end
                    bytes += buffer[..<count]
                }
                close(controller)
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
            reader.name = "pseudo-terminal reader"
            reader.start()
        }
    }
}

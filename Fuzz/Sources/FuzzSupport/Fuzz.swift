import CLibFuzzer

#if canImport(Glibc)
    import Glibc
#endif

/// The test the running harness gave ``fuzz(_:)``; set once, before libFuzzer starts calling it.
nonisolated(unsafe) private var currentTest: ((UnsafeRawBufferPointer) -> Void)?

/// Runs libFuzzer with `test` as the target and exits with its status; call it once, from a harness's
/// `main.swift`.
///
/// libFuzzer normally brings its own `main` and calls `LLVMFuzzerTestOneInput`. SwiftPM links every
/// executable with `main` pointing at the module's own top-level code, so the harness's top-level code starts
/// libFuzzer's driver itself (`LLVMFuzzerRunDriver`), which parses the usual libFuzzer flags from the command
/// line. A test reports a bug by trapping (`precondition`, a failed `!`, an overflow): libFuzzer then saves
/// the input as `crash-…`.
///
/// ```swift
/// import FuzzSupport
/// @testable import ParapetMiddleware
///
/// fuzz { bytes in
///     _ = ByteRangeRequest(field: String(decoding: bytes, as: UTF8.self), size: 1_000)
/// }
/// ```
public func fuzz(_ test: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    currentTest = test
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        currentTest?(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }
    exit(status)
}

/// Reads an input as a few fields: leading bytes as numbers or choices, the rest as text.
///
/// ```swift
/// var input = FuzzInput(bytes)
/// let size = input.integer(UInt32.self)
/// let text = input.remainingText
/// ```
public struct FuzzInput {
    private var bytes: ArraySlice<UInt8>

    /// An input over a copy of `bytes`.
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = Array(bytes)[...]
    }

    /// The next bytes as a big-endian integer (zero-filled when the input runs out).
    public mutating func integer<Value: FixedWidthInteger>(_ type: Value.Type) -> Value {
        var value = Value.zero
        for _ in 0..<MemoryLayout<Value>.size {
            value = value << 8 | Value(truncatingIfNeeded: bytes.popFirst() ?? 0)
        }
        return value
    }

    /// Whether the next byte is odd (`false` when the input runs out).
    public mutating func bool() -> Bool {
        (bytes.popFirst() ?? 0) & 1 == 1
    }

    /// The bytes not read yet.
    public var remainingBytes: [UInt8] { Array(bytes) }

    /// The bytes not read yet, as UTF-8 text (invalid sequences repaired).
    public var remainingText: String { String(decoding: bytes, as: UTF8.self) }
}

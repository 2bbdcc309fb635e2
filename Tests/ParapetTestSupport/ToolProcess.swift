import Foundation

/// Runs the program at `executable` with `arguments` to its end and returns its exit status and what it
/// printed, without blocking a thread of the cooperative pool: output goes to a temporary file, and the exit
/// is awaited through the termination handler. Tests drive real peers with it (`curl`, `nghttp`, `zstd`,
/// Python); a program that is missing fails to start and throws.
public func runProcess(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
    let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("parapet-process-\(UUID().uuidString)")
    guard FileManager.default.createFile(atPath: outputFile.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
    defer { try? FileManager.default.removeItem(at: outputFile) }
    let output = try FileHandle(forWritingTo: outputFile)
    defer { try? output.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = output
    let (exited, continuation) = AsyncStream.makeStream(of: Int32.self)
    process.terminationHandler = { process in
        continuation.yield(process.terminationStatus)
        continuation.finish()
    }
    try process.run()
    let status = await exited.first { _ in true } ?? -1
    return (status, try String(contentsOf: outputFile, encoding: .utf8))
}

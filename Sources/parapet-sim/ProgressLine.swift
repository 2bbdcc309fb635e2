import Foundation
import ParapetScenarios
import ParapetSimulation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The progress line of a long run: one line on standard error, rewritten in place with a carriage return at
/// most ten times a second and erased when the run ends. It exists only when standard error is a terminal, so
/// a pipe, a file or a CI log gets the reports alone.
///
/// Real time paces the drawing, and it is read here only — in the observer the simulation calls between events
/// — never inside the simulation, whose reports stay byte for byte the same with or without the line.
final class ProgressLine: Sendable {
    private struct State {
        var lastDrawn: Duration?
        var isShown = false
    }

    /// The least real time between two drawings.
    static let minimumInterval = Duration.milliseconds(100)

    private let origin = ContinuousClock.now  // determinism: ok — paces the progress line; never reaches a simulation
    private let state = Mutex(State())
    private let width: Int

    private init(width: Int) {
        self.width = width
    }

    /// The progress line on this process's standard error, or `nil` when standard error is not a terminal.
    static func onStandardError() -> ProgressLine? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        var size = winsize()
        let columns = ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
        return ProgressLine(width: columns - 1)
    }

    /// An observer for `ScenarioRunner.Options.progress` that shows each progress after `prefix`.
    func observer(prefix: String = "") -> ScenarioRunner.ProgressObserver {
        ScenarioRunner.ProgressObserver { [self] progress in
            show(prefix + progress.description)
        }
    }

    /// Draws `text` in place of the line, unless the last drawing is less than ``minimumInterval`` old.
    func show(_ text: String) {
        let now = origin.duration(to: .now)  // determinism: ok — paces the progress line; never reaches a simulation
        let isDue = state.withLock { state in
            if let last = state.lastDrawn, now - last < Self.minimumInterval { return false }
            state.lastDrawn = now
            state.isShown = true
            return true
        }
        if isDue {
            write("\r" + String(text.prefix(width)) + "\u{1B}[K")
        }
    }

    /// Erases the line, so that what is printed next starts on a clean line.
    func clear() {
        let wasShown = state.withLock { state in
            defer { state.isShown = false }
            return state.isShown
        }
        if wasShown {
            write("\r\u{1B}[K")
        }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

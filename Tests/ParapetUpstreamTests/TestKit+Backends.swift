import HTTPTypes
import NIOCore
import ParapetCore
import ParapetTesting
import ParapetUpstream
import Synchronization

/// Stand-in backends: one leaf transport playing, on the injected clock, a scripted step for each
/// request, and recording every call (what was sent, when, with which body) and how it ended.
///
/// Either every request plays the next step of one script, whatever its target (the last step repeats):
///
/// ```swift
/// let backend = ScriptedBackends([.fail(resetByPeer), .respond(.ok)])
/// ```
///
/// or each target plays its own step, and any other target a default one:
///
/// ```swift
/// let backends = ScriptedBackends(["a": .fail(after: .milliseconds(5))], otherwise: .respond(after: .milliseconds(10)))
/// ```
final class ScriptedBackends: Transport {
    enum Step: Sendable {
        /// Answers with a response after `after`.
        case respond(HTTPResponse.Status = .ok, HTTPFields = [:], body: HTTPBody = .empty, after: Duration = .zero)
        /// Fails after `after` with `error` (``BackendFailure`` naming the target when `nil`).
        case fail((any Error)? = nil, after: Duration = .zero)
        /// Never answers: waits for the request's cancellation and throws `throwing` then
        /// (`CancellationError` when `nil`), like a client that reports the torn-down exchange as a reset.
        case hang(throwing: (any Error)? = nil)
    }

    struct Call: Sendable {
        /// The request's target, or the backends' default target when no balancer chose one.
        let target: String
        let at: MonotonicInstant
        let request: UpstreamRequest
        /// The request body, read in full before the step played.
        let body: String
    }

    enum Ending: Sendable, Equatable {
        case answered(String)
        case failed(String)
        case cancelled(String)
    }

    private struct State {
        var script: [Step]
        var perTarget: [String: Step]
        var calls: [Call] = []
        var endings: [Ending] = []
    }

    /// The target answers name when the request named none.
    let defaultTarget: String?
    private let state: Mutex<State>

    /// Backends where every request plays the next step of `script` (the last one repeats; an empty
    /// script sheds); answers name `target` unless a balancer chose one.
    init(_ script: [Step], target: String? = "backend:80") {
        self.defaultTarget = target
        self.state = Mutex(State(script: script, perTarget: [:]))
    }

    /// Backends where a request to a target in `steps` plays that step, and any other target `otherwise`.
    init(_ steps: [String: Step] = [:], otherwise: Step = .respond(after: .milliseconds(10))) {
        self.defaultTarget = nil
        self.state = Mutex(State(script: [otherwise], perTarget: steps))
    }

    /// From now on, requests to `target` play `step`.
    func set(_ target: String, _ step: Step) {
        state.withLock { $0.perTarget[target] = step }
    }

    var calls: [Call] { state.withLock { $0.calls } }

    var endings: [Ending] { state.withLock { $0.endings } }

    /// The targets called, in order.
    var targets: [String] { calls.map(\.target) }

    /// How many calls `target` got.
    func count(_ target: String) -> Int {
        calls.filter { $0.target == target }.count
    }

    func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        let body = String(buffer: try await request.body.collect(upTo: 1 << 16))
        let clock = context.runtime.clock
        let target = request.target ?? defaultTarget
        let label = target ?? "?"
        let step = state.withLock { state in
            state.calls.append(Call(target: label, at: clock.now, request: request, body: body))
            if let step = state.perTarget[label] { return Optional(step) }
            return state.script.count > 1 ? state.script.removeFirst() : state.script.first
        }
        switch step {
        case .respond(let status, let fields, let answer, let delay):
            try await pause(for: delay, clock: clock, label: label)
            end(.answered(label))
            return UpstreamResponse(
                response: Response(status: status, headerFields: fields, body: answer), target: target)
        case .fail(let error, let delay):
            try await pause(for: delay, clock: clock, label: label)
            end(.failed(label))
            throw error ?? BackendFailure(target: target)
        case .hang(let replacement):
            do {
                try await pause(for: .seconds(86_400), clock: clock, label: label)
            } catch {
                throw replacement ?? error
            }
            end(.failed(label))
            throw UpstreamError.timedOut(target: target)
        case nil:
            throw UpstreamError.unavailable(.empty)
        }
    }

    /// Sleeps for `delay`; a cancellation ends the call as ``Ending/cancelled(_:)``.
    private func pause(for delay: Duration, clock: any MonotonicClock, label: String) async throws {
        do {
            try await clock.sleep(for: delay)
        } catch {
            end(.cancelled(label))
            throw error
        }
    }

    private func end(_ ending: Ending) {
        state.withLock { $0.endings.append(ending) }
    }
}

/// A stand-in backend answering every request with `handler`.
struct StubTransport: Transport {
    let handler: @Sendable (UpstreamRequest, RequestContext) async throws -> UpstreamResponse

    init(_ handler: @escaping @Sendable (UpstreamRequest, RequestContext) async throws -> UpstreamResponse) {
        self.handler = handler
    }

    func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        try await handler(request, context)
    }

    /// A backend answering `200 ok` at once, recording the target of every request in `routes`.
    static func ok(recording routes: Recorder<String>? = nil) -> StubTransport {
        StubTransport { request, _ in
            routes?.append(request.target ?? "?")
            return UpstreamResponse(response: .text("ok\n"), target: request.target)
        }
    }
}

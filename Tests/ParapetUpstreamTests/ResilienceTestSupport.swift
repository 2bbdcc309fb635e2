import HTTPTypes
import Logging
import ParapetCore
import ParapetUpstream
import Synchronization

/// What a scripted backend does with a request, in virtual time.
enum Behaviour: Sendable {
    /// Answers with `status` after `delay`.
    case answer(after: Duration, status: HTTPResponse.Status = .ok)
    /// Fails with a ``BackendFailure`` after `delay`.
    case fail(after: Duration)
    /// Never answers; only cancellation ends it.
    case hang
}

/// The transport error a scripted backend throws.
struct BackendFailure: Error, Equatable {
    let target: String
}

/// One leaf transport standing in for every backend of a pool: it looks up the request's target in its
/// script, plays the behaviour on the injected clock, and records every call and how it ended.
final class ScriptedBackends: Transport {
    struct Call: Sendable, Equatable {
        let target: String
        let at: MonotonicInstant
    }

    enum Ending: Sendable, Equatable {
        case answered(String)
        case failed(String)
        case cancelled(String)
    }

    private let script: Mutex<[String: Behaviour]>
    private let fallback: Behaviour
    let calls = Recorder<Call>()
    let endings = Recorder<Ending>()

    init(_ script: [String: Behaviour] = [:], otherwise fallback: Behaviour = .answer(after: .milliseconds(10))) {
        self.script = Mutex(script)
        self.fallback = fallback
    }

    func set(_ target: String, _ behaviour: Behaviour) {
        script.withLock { $0[target] = behaviour }
    }

    /// The targets called, in order.
    var targets: [String] { calls.all.map(\.target) }

    func count(_ target: String) -> Int {
        calls.all.filter { $0.target == target }.count
    }

    func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        let target = request.target ?? "?"
        let clock = context.runtime.clock
        calls.record(Call(target: target, at: clock.now))
        let behaviour = script.withLock { $0[target] } ?? fallback
        do {
            switch behaviour {
            case .answer(let delay, let status):
                try await clock.sleep(for: delay)
                endings.record(.answered(target))
                return UpstreamResponse(response: Response(status: status), target: target)
            case .fail(let delay):
                try await clock.sleep(for: delay)
                endings.record(.failed(target))
                throw BackendFailure(target: target)
            case .hang:
                try await clock.sleep(for: .seconds(86_400))
                endings.record(.answered(target))
                return UpstreamResponse(response: Response(status: .ok), target: target)
            }
        } catch is CancellationError {
            endings.record(.cancelled(target))
            throw CancellationError()
        }
    }
}

extension RequestContext {
    /// A context for one request in `runtime`.
    static func test(_ runtime: Runtime) -> RequestContext {
        RequestContext(connection: ConnectionInfo(peer: nil), logger: Logger(label: "test"), runtime: runtime)
    }
}

extension UpstreamRequest {
    /// A request to `example.com`.
    static func test(_ method: HTTPRequest.Method = .get, body: HTTPBody = .empty, attempt: Int = 0) -> UpstreamRequest
    {
        UpstreamRequest(
            head: HTTPRequest(method: method, scheme: "http", authority: "example.com", path: "/"),
            body: body,
            attempt: attempt
        )
    }
}

extension TargetPool {
    /// A pool of `addresses`, all reached through `transport`.
    convenience init(addresses: [String], transport: any Transport) {
        self.init(addresses.map { Target($0, transport: transport) })
    }
}

extension Transport {
    /// The outcome of one round trip, never throwing.
    func outcome(_ request: UpstreamRequest = .test(), context: RequestContext) async -> Result<
        UpstreamResponse, any Error
    > {
        do {
            return .success(try await roundTrip(request, context: context))
        } catch {
            return .failure(error)
        }
    }
}

extension Result where Success == UpstreamResponse, Failure == any Error {
    /// The answering target, or `nil` for an error.
    var target: String? {
        if case .success(let answer) = self { answer.target } else { nil }
    }

    /// The shed reason, when the balancer shed the request.
    var shedReason: ShedReason? {
        if case .failure(UpstreamError.unavailable(let reason)) = self { reason } else { nil }
    }
}

extension MonotonicInstant {
    /// The instant `duration` after the origin.
    static func at(_ duration: Duration) -> MonotonicInstant {
        MonotonicInstant.zero.advanced(by: duration)
    }
}

import HTTPTypes
import Logging
import ParapetCore

/// The handler an ``Upstream`` builds: the retry loop around the transport, driven by ``ProxyHandler/StateMachine``.
struct ProxyHandler: Handler {
    let transport: any Transport
    let path: UpstreamPath
    /// The server's path rules: the path forwarded is the one its routing matched.
    let pathRules: RequestPathRules
    let options: Upstream.Options

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        let target: String
        do throws(RequestPathRejection) {
            target = try path.rewrite(request.path, rules: pathRules)
        } catch {
            return .badPath(error)
        }
        let upgrade = ProtocolUpgrade(requestFields: request.headerFields)
        var outgoing = UpstreamRequest(
            proxying: request, target: target, host: options.host, scheme: options.scheme, upgrade: upgrade)
        if upgrade != nil {
            outgoing.upgradedInbound = context.upgradedInbound
        }
        var state = StateMachine(
            retries: options.retries, backoff: options.backoff,
            isRetryable: outgoing.body.isReplayable && options.retryPolicy(request))
        let clock = context.runtime.clock
        while true {
            outgoing.attempt = state.attempt
            let start = clock.now
            let error: any Error
            do {
                let answer = try await transport.roundTrip(outgoing, context: context)
                report(outgoing.attempt, answer.target, clock.now - start, status: answer.response.status, error: nil)
                if let target = answer.target { context.accessLog?.set("upstream", .string(target)) }
                return respond(with: answer, to: upgrade, context: context)
            } catch let caught {
                error = caught
            }
            let target = (error as? UpstreamError)?.target
            report(outgoing.attempt, target, clock.now - start, status: nil, error: error)
            let timeLeft = context.deadline.map { clock.now.duration(to: $0) }
            switch state.next(after: AttemptFailure(error, isTaskCancelled: Task.isCancelled), timeLeft: timeLeft) {
            case .retry(let wait):
                context.logger.debug(
                    "upstream: retrying after \(wait)", error: error, metadata: Self.metadata(target))
                try await clock.sleep(for: wait)
            case .answer(let status):
                // A shed request and a refused target are the proxy doing its job, not a broken upstream.
                let level: Logger.Level =
                    status == .serviceUnavailable || error.isRefusedTarget ? .warning : .error
                context.logger.log(
                    level: level, "upstream: \(error)", error: error, metadata: Self.metadata(target))
                return .error(status)
            case .abandon:
                throw CancellationError()
            }
        }
    }

    /// The client's response for the upstream's `answer`: its head without hop-by-hop fields, its body
    /// still streaming; `502` for a protocol switch the client did not ask for.
    private func respond(with answer: UpstreamResponse, to upgrade: ProtocolUpgrade?, context: RequestContext)
        -> Response
    {
        var response = answer.response
        if response.status == .switchingProtocols, !(upgrade?.accepts(response.headerFields) ?? false) {
            let switched = response.headerFields[.upgrade] ?? "nothing"
            let requested = upgrade?.protocols ?? "no upgrade"
            context.logger.error(
                "upstream: switched protocols to \(switched) when \(requested) was requested",
                metadata: Self.metadata(answer.target))
            return .error(.badGateway)
        }
        response.headerFields = HopByHopHeaders.responseFields(response.headerFields, status: response.status)
        return response
    }

    /// Tells ``Upstream/Options/onRoundTrip`` how `attempt` went.
    private func report(
        _ attempt: Int, _ target: String?, _ duration: Duration, status: HTTPResponse.Status?, error: (any Error)?
    ) {
        options.onRoundTrip?(
            RoundTripInfo(target: target, duration: duration, status: status, error: error, attempt: attempt))
    }

    /// Log metadata naming the target, when one was tried.
    private static func metadata(_ target: String?) -> Logger.Metadata? {
        target.map { ["upstream": "\($0)"] }
    }
}

extension Error {
    /// Whether this is an ``UpstreamTargetRefused``, alone or as the cause of a failed exchange.
    fileprivate var isRefusedTarget: Bool {
        if case .refused = AttemptFailure(self, isTaskCancelled: false) { return true }
        return false
    }
}

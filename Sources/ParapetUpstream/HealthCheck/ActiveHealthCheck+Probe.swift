import HTTPTypes
import Logging
import NIOCore
import ParapetCore

extension ActiveHealthCheck {
    /// Probes target `index` at once and then every interval until the task is cancelled.
    ///
    /// A probe that overruns its interval is followed at once by the next, which restarts the schedule.
    func probeLoop(_ index: Int, runtime: Runtime, logger: Logger) async {
        let clock = runtime.clock
        var nextProbe = clock.now
        while !Task.isCancelled {
            await probe(index, runtime: runtime, logger: logger)
            nextProbe = max(nextProbe.advanced(by: options.interval), clock.now)
            do {
                try await clock.sleep(until: nextProbe)
            } catch {
                return
            }
        }
    }

    /// Sends one probe to target `index` and applies its verdict, unless the loop was cancelled meanwhile.
    func probe(_ index: Int, runtime: Runtime, logger: Logger) async {
        let target = pool.targets[index]
        let request = UpstreamRequest(
            head: HTTPRequest(method: options.method, scheme: options.scheme, authority: target.address, path: options.path),
            target: target.address
        )
        let context = RequestContext(connection: ConnectionInfo(peer: nil), logger: logger, runtime: runtime)
        let outcome = await Self.exchange(
            request,
            through: options.probeTransport ?? target.transport,
            context: context,
            timeout: options.timeout
        )
        guard !Task.isCancelled else { return }
        let healthy = options.isHealthy(outcome)
        observe(index, healthy: healthy, cause: healthy ? .none : ProbeCause(failedProbe: outcome))
    }

    /// Sends `request` and drains the answer's body, racing it against `timeout` on the runtime's clock.
    ///
    /// The timeout yields ``UpstreamError/timedOut(target:)``; the losing side is cancelled.
    static func exchange(
        _ request: UpstreamRequest,
        through transport: any Transport,
        context: RequestContext,
        timeout: Duration
    ) async -> Result<HTTPResponse, any Error> {
        let clock = context.runtime.clock
        let outcome = await clock.result(by: clock.now.advanced(by: timeout)) { () -> Result<HTTPResponse, any Error> in
            do {
                let answer = try await transport.roundTrip(request, context: context)
                await drain(answer.response.body)
                return .success(answer.response.head)
            } catch {
                return .failure(error)
            }
        }
        return outcome ?? .failure(UpstreamError.timedOut(target: request.target))
    }

    /// Reads and discards up to ``drainLimit`` bytes of `body`, then drops it; a failure while reading is
    /// not the probe's verdict and is ignored.
    private static func drain(_ body: HTTPBody) async {
        var drained = 0
        do {
            for try await chunk in body {
                drained += chunk.readableBytes
                if drained >= drainLimit {
                    break
                }
            }
        } catch {
            return
        }
    }
}

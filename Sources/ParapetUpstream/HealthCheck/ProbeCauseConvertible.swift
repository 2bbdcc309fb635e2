import HTTPTypes

/// An error that knows which ``ProbeCause`` it stands for, so that an active health check can say why a
/// probe failed.
///
/// Transports conform their errors (a refused dial, a reset, a DNS or TLS failure); an error that does not
/// conform counts as ``ProbeCause/error``.
///
/// ```swift
/// struct ConnectionRefused: Error, ProbeCauseConvertible {
///     var probeCause: ProbeCause { .refused }
/// }
/// ```
public protocol ProbeCauseConvertible: Error {
    /// The class of probe failure this error is.
    var probeCause: ProbeCause { get }
}

extension ProbeCause {
    /// Why a probe that was judged unhealthy failed: ``status`` when an answer arrived, otherwise the
    /// class of its error.
    init(failedProbe outcome: Result<HTTPResponse, any Error>) {
        switch outcome {
        case .success:
            self = .status
        case .failure(let error):
            self = ProbeCause(error: error)
        }
    }

    private init(error: any Error) {
        switch error {
        case let error as any ProbeCauseConvertible:
            self = error.probeCause
        case UpstreamError.timedOut:
            self = .timeout
        case UpstreamError.failed(_, let underlying):
            self = ProbeCause(error: underlying)
        default:
            self = .error
        }
    }
}

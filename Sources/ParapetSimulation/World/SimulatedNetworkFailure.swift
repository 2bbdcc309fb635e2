public import ParapetUpstream

/// The transport errors a simulated backend fails with, wrapped in `UpstreamError.failed(target:underlying:)`;
/// the health check reads their `probeCause`.
///
/// ```swift
/// if case UpstreamError.failed(_, let underlying as SimulatedNetworkFailure) = error { print(underlying) }
/// ```
public enum SimulatedNetworkFailure: Error, Sendable, Hashable, CustomStringConvertible, ProbeCauseConvertible {
    /// The connection was refused (a dead backend, a full queue that refuses).
    case connectionRefused
    /// The connection was reset mid-request.
    case connectionReset

    /// `refused` or `reset`, for the health check's state-change cause.
    public var probeCause: ProbeCause {
        switch self {
        case .connectionRefused: .refused
        case .connectionReset: .reset
        }
    }

    /// A short description.
    ///
    /// ```swift
    /// print(SimulatedNetworkFailure.connectionReset)  // connection reset
    /// ```
    public var description: String {
        switch self {
        case .connectionRefused: "connection refused"
        case .connectionReset: "connection reset"
        }
    }
}

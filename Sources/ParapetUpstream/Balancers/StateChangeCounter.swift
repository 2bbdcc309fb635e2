/// Numbers the ``StateChange``s one balancer or health check reports. It lives behind the same lock as
/// the state machine whose transitions it numbers, so the numbers follow the order the transitions took
/// effect, whatever order the tasks then report them in.
struct StateChangeCounter: Sendable {
    private var last: UInt64 = 0

    /// The change `transition` of the target at `address` reports, with the next sequence number.
    mutating func change(
        _ transition: TargetTransition,
        address: String,
        cause: ProbeCause = .none
    ) -> StateChange {
        last += 1
        return StateChange(
            target: address,
            from: transition.from,
            to: transition.to,
            reason: transition.reason,
            cause: cause,
            sequence: last
        )
    }
}

extension LeastConnectionsBalancer {
    /// How a ``LeastConnectionsBalancer`` reports its sheds.
    ///
    /// Nothing here can be out of range, so, unlike the other balancers' options, these need no
    /// validation and the balancer's initializer does not throw.
    ///
    /// ```swift
    /// let options = LeastConnectionsBalancer.Options(onShed: { reason in logger.warning("shed: \(reason.rawValue)") })
    /// ```
    public struct Options: Sendable {
        /// Called once per shed, synchronously, before ``UpstreamError/unavailable(_:)`` is thrown.
        /// Keep it cheap: under overload it runs for every request.
        public var onShed: (@Sendable (ShedReason) -> Void)?

        /// Creates options; every hook is off by default.
        public init(onShed: (@Sendable (ShedReason) -> Void)? = nil) {
            self.onShed = onShed
        }
    }
}

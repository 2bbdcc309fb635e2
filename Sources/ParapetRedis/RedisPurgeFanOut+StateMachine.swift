import ParapetCache

extension RedisPurgeFanOut {
    /// One purge as published: its sequence number and its scope.
    struct Message: Sendable, Hashable {
        var sequence: Int64
        /// `nil` when the scope cannot be read: what it purged is unknown.
        var scope: PurgeScope?
    }

    /// What an instance does with the purges it hears, as a value: which sequence number it has applied
    /// up to, and what a replay or a message makes it purge.
    ///
    /// Every purge published gets the next sequence number, and the last ``Options/logLength`` purges
    /// are kept in a list beside the channel. A message that follows the last one applied is applied;
    /// one already applied (a replay overlapping the live channel) is skipped; one past a gap means
    /// purges were missed, so everything is purged. After a resubscription the list is replayed from
    /// the last sequence number applied; when it no longer reaches back that far — or the counter went
    /// back, because Redis lost its data — everything is purged instead.
    struct StateMachine: Sendable {
        /// What to purge.
        enum Action: Sendable, Hashable {
            case purge(PurgeScope)
            /// Purges may have been missed: purge everything.
            case purgeAll
        }

        /// The sequence number of the last purge applied; `nil` before the first replay.
        private(set) var lastSequence: Int64?

        /// The replay after a (re)subscription: `counter` is the latest sequence number issued, `log`
        /// the purges kept, oldest first.
        mutating func replayed(counter: Int64, log: [Message]) -> [Action] {
            defer { lastSequence = counter }
            guard let last = lastSequence, counter >= last else { return [.purgeAll] }
            let missed = log.filter { $0.sequence > last }.sorted { $0.sequence < $1.sequence }
            let isWhole =
                Int64(missed.count) == counter - last
                && zip(missed, (last + 1)...).allSatisfy { message, expected in message.sequence == expected }
            guard isWhole else { return [.purgeAll] }
            return missed.map { Self.action(for: $0) }
        }

        /// A message heard on the channel.
        mutating func received(_ message: Message) -> [Action] {
            guard let last = lastSequence, message.sequence > last else { return [] }
            lastSequence = message.sequence
            return message.sequence == last + 1 ? [Self.action(for: message)] : [.purgeAll]
        }

        private static func action(for message: Message) -> Action {
            message.scope.map(Action.purge) ?? .purgeAll
        }
    }
}

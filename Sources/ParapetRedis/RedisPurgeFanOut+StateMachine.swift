import ParapetCache

extension RedisPurgeFanOut {
    /// One purge as published: its sequence number, the counter's generation and its scope.
    struct Message: Sendable, Hashable {
        var sequence: Int64
        /// The generation of the counter that numbered it; `nil` for a message published without one.
        var generation: String?
        /// `nil` when the scope cannot be read: what it purged is unknown.
        var scope: PurgeScope?

        init(sequence: Int64, generation: String? = nil, scope: PurgeScope?) {
            self.sequence = sequence
            self.generation = generation
            self.scope = scope
        }
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
    ///
    /// Sequence numbers only compare within one generation of the counter: a counter created anew
    /// (Redis lost its data, or failed over to a server without it) gets a new generation, and may
    /// reissue numbers already applied — on a server whose clock is behind — so a message or a replay
    /// of another generation than the last one applied purges everything, and starts over from it.
    struct StateMachine: Sendable {
        /// What to purge.
        enum Action: Sendable, Hashable {
            case purge(PurgeScope)
            /// Purges may have been missed: purge everything.
            case purgeAll
        }

        /// The sequence number of the last purge applied; `nil` before the first replay.
        private(set) var lastSequence: Int64?
        /// The generation of the counter `lastSequence` comes from.
        private(set) var generation: String?

        /// The replay after a (re)subscription: `counter` is the latest sequence number issued by the
        /// counter of `generation`, `log` the purges kept, oldest first (possibly only the newest).
        mutating func replayed(counter: Int64, generation: String? = nil, log: [Message]) -> [Action] {
            let isSameGeneration = generation == self.generation
            defer {
                lastSequence = counter
                self.generation = generation
            }
            guard let last = lastSequence, isSameGeneration, counter >= last else { return [.purgeAll] }
            let missed = log.filter { $0.sequence > last && $0.generation == generation }
                .sorted { $0.sequence < $1.sequence }
            let isWhole =
                Int64(missed.count) == counter - last
                && zip(missed, (last + 1)...).allSatisfy { message, expected in message.sequence == expected }
            guard isWhole else { return [.purgeAll] }
            return missed.map { Self.action(for: $0) }
        }

        /// A message heard on the channel.
        mutating func received(_ message: Message) -> [Action] {
            guard let last = lastSequence else { return [] }
            // A message without a generation (an older publisher) is taken to be of the current one.
            if let other = message.generation, other != generation {
                generation = other
                lastSequence = message.sequence
                return [.purgeAll]
            }
            guard message.sequence > last else { return [] }
            lastSequence = message.sequence
            return message.sequence == last + 1 ? [Self.action(for: message)] : [.purgeAll]
        }

        /// A message heard on the channel that cannot be read at all: it may have been a purge, so
        /// everything is purged.
        mutating func receivedUnreadable() -> [Action] {
            lastSequence == nil ? [] : [.purgeAll]
        }

        private static func action(for message: Message) -> Action {
            message.scope.map(Action.purge) ?? .purgeAll
        }
    }
}

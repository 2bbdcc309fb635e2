extension ConnectionRegistry {
    /// Counts a server's open connections against its cap, as a pure state machine, and groups refusals into
    /// episodes so the server logs once when it reaches the cap and once when it recovers — not once per
    /// refused connection.
    ///
    /// An episode starts with the first refusal and ends once the open count has fallen a tenth of the cap
    /// (at least one connection) below it, so a server hovering at its cap does not log on every close.
    ///
    /// ```swift
    /// var admission = ConnectionRegistry.StateMachine(limit: 2)
    /// admission.accept()   // .admit
    /// admission.accept()   // .admit
    /// admission.accept()   // .refuse(startsEpisode: true)
    /// admission.closed()   // .episodeEnded(refused: 1)
    /// ```
    struct StateMachine: Equatable {
        /// What to do with a newly accepted connection.
        enum Decision: Equatable {
            case admit
            /// Close it; `startsEpisode` is true for the first refusal since the server was last below its cap.
            case refuse(startsEpisode: Bool)
        }

        /// What a closed connection means for the refusal episode.
        enum CloseOutcome: Equatable {
            case none
            /// The server is far enough below its cap again; `refused` connections were turned away meanwhile.
            case episodeEnded(refused: Int)
        }

        /// The cap; `nil` admits everything.
        let limit: Int?
        /// Connections admitted and not yet closed.
        private(set) var open = 0
        /// Connections refused in the running episode; `nil` when no episode runs.
        private var refusedInEpisode: Int?

        init(limit: Int?) {
            self.limit = limit
        }

        /// A connection was accepted.
        mutating func accept() -> Decision {
            guard let limit, open >= limit else {
                open += 1
                return .admit
            }
            let startsEpisode = refusedInEpisode == nil
            refusedInEpisode = (refusedInEpisode ?? 0) + 1
            return .refuse(startsEpisode: startsEpisode)
        }

        /// An admitted connection closed.
        mutating func closed() -> CloseOutcome {
            open = max(open - 1, 0)
            guard let limit, let refused = refusedInEpisode, open <= limit - max(limit / 10, 1) else { return .none }
            refusedInEpisode = nil
            return .episodeEnded(refused: refused)
        }
    }
}

extension HTTP1ConnectionHandler {
    /// The request/response exchanges of one HTTP/1.x connection as a pure state machine.
    ///
    /// One exchange runs at a time: its request head starts it, its request body streams to the handler,
    /// and it ends when both the request has been read to its end and the response written to its end.
    /// Parts of pipelined requests that arrive meanwhile are queued by the caller and replayed, in order,
    /// once the exchange is over — so responses leave in request order.
    ///
    /// ```swift
    /// var state = HTTP1ConnectionHandler.StateMachine()
    /// state.headReceived()      // .startExchange
    /// state.endReceived()       // .finishRequestBody
    /// state.responseEnded(keepAlive: true)   // .awaitNextRequest
    /// ```
    struct StateMachine: Equatable {
        private enum Phase: Equatable {
            case idle
            case exchanging(request: RequestProgress)
            case closed
        }

        private enum RequestProgress: Equatable {
            /// Body parts go to the handler.
            case receiving
            /// The response is complete; the rest of the body is read and dropped before the next request.
            case discarding
            /// The request's end has been read.
            case complete
        }

        /// What the handler does with an inbound part.
        enum PartAction: Equatable {
            /// Start the exchange of this head: call the handler.
            case startExchange
            /// Hand the body chunk to the running handler.
            case forwardBody
            /// End the running handler's request body.
            case finishRequestBody
            /// Drop the part (the rest of a body nobody reads, or input after the connection closed).
            case drop
            /// The part belongs to a pipelined request: queue it until the current exchange ends.
            case queue
            /// The exchange ended with this part (its response was already written): go on with the next request.
            case finishRequestAndAwaitNext
            /// The exchange ended with this part and the connection is shutting down: close it.
            case close
        }

        /// What the handler does once a response has been written to its end.
        enum ResponseEndAction: Equatable {
            /// Wait for (or replay the queued parts of) the next request.
            case awaitNextRequest
            /// Keep reading and dropping the rest of the request body, then go on.
            case discardRestOfRequest
            /// Close the connection.
            case close
        }

        /// What the handler does when the request head or body cannot be parsed.
        enum ParseErrorAction: Equatable {
            /// No exchange is running, or the running one's request is what failed and nothing was answered
            /// yet: abandon it, answer with an error status, then close.
            case respondAndClose
            /// An exchange is running: its response goes first (responses leave in request order), then the
            /// connection closes.
            case closeAfterResponse
            /// The running exchange already answered: just close.
            case close
        }

        private var phase: Phase = .idle
        /// Set by a graceful-shutdown request (or a parse error): no exchange starts after the current one
        /// and the ``requestsToFinish``.
        private var isQuiescing = false
        /// Pipelined requests read in full before quiescing began, still to be answered after the current one.
        private var requestsToFinish = 0

        /// Whether no exchange is running.
        var isIdle: Bool { phase == .idle }

        /// Whether a parsed part can be handled now rather than queued behind the running exchange.
        var acceptsParts: Bool {
            switch phase {
            case .idle, .closed, .exchanging(request: .receiving), .exchanging(request: .discarding):
                return true
            case .exchanging(request: .complete):
                return false
            }
        }

        /// A request head arrived.
        mutating func headReceived() -> PartAction {
            switch phase {
            case .idle:
                if isQuiescing {
                    guard requestsToFinish > 0 else {
                        phase = .closed
                        return .drop
                    }
                    requestsToFinish -= 1
                }
                phase = .exchanging(request: .receiving)
                return .startExchange
            case .exchanging:
                return .queue
            case .closed:
                return .drop
            }
        }

        /// A chunk of request body arrived.
        mutating func bodyReceived() -> PartAction {
            switch phase {
            case .exchanging(request: .receiving):
                return .forwardBody
            case .exchanging(request: .discarding), .closed, .idle:
                return .drop
            case .exchanging(request: .complete):
                return .queue
            }
        }

        /// A request's end arrived.
        mutating func endReceived() -> PartAction {
            switch phase {
            case .exchanging(request: .receiving):
                phase = .exchanging(request: .complete)
                return .finishRequestBody
            case .exchanging(request: .discarding):
                guard allowsKeepAlive else {
                    phase = .closed
                    return .close
                }
                phase = .idle
                return .finishRequestAndAwaitNext
            case .exchanging(request: .complete):
                return .queue
            case .closed, .idle:
                return .drop
            }
        }


        /// The response was written to its end; `keepAlive` is what its framing allows.
        mutating func responseEnded(keepAlive: Bool) -> ResponseEndAction {
            guard case .exchanging(let request) = phase else { return .close }
            guard keepAlive, allowsKeepAlive else {
                phase = .closed
                return .close
            }
            switch request {
            case .complete:
                phase = .idle
                return .awaitNextRequest
            case .receiving, .discarding:
                phase = .exchanging(request: .discarding)
                return .discardRestOfRequest
            }
        }

        /// Graceful shutdown asks the connection to finish; returns whether it can close right away.
        ///
        /// The running exchange and the `readRequests` pipelined requests already read in full (queued behind
        /// it) are still answered, the last of them with `Connection: close`; nothing read later is started.
        mutating func quiesce(readRequests: Int = 0) -> Bool {
            isQuiescing = true
            requestsToFinish = readRequests
            if phase == .idle {
                phase = .closed
                return true
            }
            return false
        }

        /// Whether the connection may stay open after the response now being framed.
        var allowsKeepAlive: Bool { !isQuiescing || requestsToFinish > 0 }

        /// The request could not be parsed; `hasResponseStarted` says whether the running exchange's
        /// response head went out already.
        mutating func parseErrorOccurred(hasResponseStarted: Bool) -> ParseErrorAction {
            switch phase {
            case .idle, .closed:
                phase = .closed
                return .respondAndClose
            case .exchanging(request: .receiving) where !hasResponseStarted:
                // The running request's own body is malformed (a bad chunk size, say): the client is told so,
                // not handed whatever the handler makes of a body that failed.
                phase = .closed
                return .respondAndClose
            case .exchanging(request: .discarding):
                phase = .closed
                return .close
            case .exchanging:
                isQuiescing = true
                requestsToFinish = 0
                return .closeAfterResponse
            }
        }

        /// The connection closed.
        mutating func closed() {
            phase = .closed
        }
    }
}

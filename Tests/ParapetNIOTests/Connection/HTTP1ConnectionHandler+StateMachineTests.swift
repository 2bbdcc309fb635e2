import HTTPTypes
import NIOCore
import NIOHTTP1
@testable import ParapetNIO
import Testing

@Suite("HTTP/1 connection state machine")
struct HTTP1ConnectionHandlerStateMachineTests {
    @Test func anExchangeEndsWhenBothRequestAndResponseHaveEnded() {
        var state = HTTP1ConnectionHandler.StateMachine()
        #expect(state.headReceived() == .startExchange)
        #expect(state.bodyReceived() == .forwardBody)
        #expect(state.endReceived() == .finishRequestBody)
        #expect(!state.isIdle)
        #expect(state.responseEnded(keepAlive: true) == .awaitNextRequest)
        #expect(state.isIdle)
        #expect(state.headReceived() == .startExchange)
    }

    @Test func onlyPipelinedRequestsReadFromHeadToEndCountAtShutdown() {
        let head = HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/next"))
        let body = HTTPServerRequestPart.body(ByteBuffer(string: "rest of the running upload"))
        // The running upload's paused rest (its end is no request), one whole request, one cut short.
        let queued: [HTTPServerRequestPart] = [body, body, .end(nil), head, .end(nil), head, body]
        #expect(HTTP1ConnectionHandler.requestsReadInFull(queued) == 1)
        #expect(HTTP1ConnectionHandler.requestsReadInFull([head, body, .end(nil), head, .end(nil)]) == 2)
        #expect(HTTP1ConnectionHandler.requestsReadInFull([]) == 0)
    }

    @Test func pipelinedPartsQueueUntilTheResponseEnds() {
        var state = HTTP1ConnectionHandler.StateMachine()
        _ = state.headReceived()
        _ = state.endReceived()
        #expect(!state.acceptsParts)
        #expect(state.headReceived() == .queue)
        #expect(state.bodyReceived() == .queue)
        #expect(state.endReceived() == .queue)
        _ = state.responseEnded(keepAlive: true)
        #expect(state.acceptsParts)
    }

    @Test func anEarlyResponseDiscardsTheRestOfTheBody() {
        var state = HTTP1ConnectionHandler.StateMachine()
        _ = state.headReceived()
        #expect(state.responseEnded(keepAlive: true) == .discardRestOfRequest)
        #expect(state.acceptsParts)
        #expect(state.bodyReceived() == .drop)
        #expect(state.endReceived() == .finishRequestAndAwaitNext)
        #expect(state.isIdle)
    }

    @Test func aResponseThatEndsTheConnectionCloses() {
        var state = HTTP1ConnectionHandler.StateMachine()
        _ = state.headReceived()
        _ = state.endReceived()
        #expect(state.responseEnded(keepAlive: false) == .close)
        #expect(state.headReceived() == .drop)
    }

    @Test func quiescingClosesAnIdleConnectionAtOnce() {
        var state = HTTP1ConnectionHandler.StateMachine()
        let closesNow = state.quiesce()
        #expect(closesNow)
        #expect(state.headReceived() == .drop)
    }

    @Test func quiescingLetsTheRunningExchangeFinishThenCloses() {
        var state = HTTP1ConnectionHandler.StateMachine()
        _ = state.headReceived()
        let closesNow = state.quiesce()
        #expect(!closesNow)
        #expect(!state.allowsKeepAlive)
        _ = state.endReceived()
        #expect(state.responseEnded(keepAlive: true) == .close)
    }

    @Test func quiescingAnswersThePipelinedRequestsAlreadyRead() {
        var state = HTTP1ConnectionHandler.StateMachine()
        _ = state.headReceived()
        _ = state.endReceived()
        #expect(state.headReceived() == .queue)  // two more requests read behind the running one
        #expect(state.endReceived() == .queue)
        #expect(state.headReceived() == .queue)
        #expect(state.endReceived() == .queue)
        let closesNow = state.quiesce(readRequests: 2)
        #expect(!closesNow)
        #expect(state.allowsKeepAlive)
        #expect(state.responseEnded(keepAlive: true) == .awaitNextRequest)
        #expect(state.headReceived() == .startExchange)
        #expect(state.endReceived() == .finishRequestBody)
        #expect(state.allowsKeepAlive)
        #expect(state.responseEnded(keepAlive: true) == .awaitNextRequest)
        #expect(state.headReceived() == .startExchange)
        #expect(state.endReceived() == .finishRequestBody)
        #expect(!state.allowsKeepAlive)  // the last answer says `Connection: close`
        #expect(state.responseEnded(keepAlive: false) == .close)
        #expect(state.headReceived() == .drop)
    }

    @Test func parseErrorsAreAnsweredOnlyWhenNoExchangeRuns() {
        var idle = HTTP1ConnectionHandler.StateMachine()
        #expect(idle.parseErrorOccurred(hasResponseStarted: false) == .respondAndClose)

        // A running exchange answers first, in order; then the connection closes.
        var answering = HTTP1ConnectionHandler.StateMachine()
        _ = answering.headReceived()
        _ = answering.endReceived()
        #expect(answering.parseErrorOccurred(hasResponseStarted: false) == .closeAfterResponse)
        #expect(answering.responseEnded(keepAlive: true) == .close)

        // The response is out and only the rest of a body was being dropped: close at once.
        var discarding = HTTP1ConnectionHandler.StateMachine()
        _ = discarding.headReceived()
        _ = discarding.responseEnded(keepAlive: true)
        #expect(discarding.parseErrorOccurred(hasResponseStarted: true) == .close)
    }

    @Test func aMalformedBodyOfTheRunningRequestIsAnsweredByTheConnection() {
        var unanswered = HTTP1ConnectionHandler.StateMachine()
        _ = unanswered.headReceived()
        #expect(unanswered.parseErrorOccurred(hasResponseStarted: false) == .respondAndClose)
        #expect(unanswered.headReceived() == .drop)

        // Once the handler's response has started, it finishes; then the connection closes.
        var streaming = HTTP1ConnectionHandler.StateMachine()
        _ = streaming.headReceived()
        #expect(streaming.parseErrorOccurred(hasResponseStarted: true) == .closeAfterResponse)
        #expect(streaming.responseEnded(keepAlive: true) == .close)
    }

    @Test func quiescingWhileDiscardingClosesOnceTheBodyEnds() {
        var state = HTTP1ConnectionHandler.StateMachine()
        _ = state.headReceived()
        #expect(state.responseEnded(keepAlive: true) == .discardRestOfRequest)
        let closesNow = state.quiesce()
        #expect(!closesNow)
        #expect(state.endReceived() == .close)
    }
}

@Suite("HTTP/1 response framing")
struct HTTP1ResponseFramingTests {
    func framing(
        method: HTTPRequest.Method = .get, version: HTTPVersion = .http1_1, keepAlive: Bool = true,
        status: Int = 200, knownLength: Int? = nil, declaredLength: Int? = nil, asksToClose: Bool = false
    ) -> HTTP1ResponseFraming {
        HTTP1ResponseFraming(
            request: .init(method: method, version: version, keepAlive: keepAlive), status: status,
            knownLength: knownLength, declaredLength: declaredLength, asksToClose: asksToClose)
    }

    @Test func knownLengthsAreAdvertised() {
        let framed = framing(knownLength: 13)
        #expect(framed.body == .length(13) && framed.advertisedLength == 13 && framed.keepAlive)
    }

    @Test func unknownLengthsAreChunkedOnHTTP11AndCloseDelimitedOnHTTP10() {
        #expect(framing().body == .chunked)
        let old = framing(version: .http1_0)
        #expect(old.body == .untilClose && !old.keepAlive)
    }

    @Test func aDeclaredLengthIsUsedWhenTheBodyDoesNotKnowItsOwn() {
        #expect(framing(declaredLength: 42).body == .length(42))
        #expect(framing(knownLength: 7, declaredLength: 42).body == .length(7))
    }

    @Test(arguments: [204, 304, 101, 103])
    func bodylessStatusesHaveNoBody(status: Int) {
        #expect(framing(status: status, knownLength: 10).body == .none)
    }

    @Test func headAdvertisesTheLengthAGetWouldHaveHad() {
        let head = framing(method: .head, knownLength: 13)
        #expect(head.body == .none && head.advertisedLength == 13)
        #expect(framing(method: .head, knownLength: 0).advertisedLength == nil)
    }

    @Test func closeIsHonouredFromEitherSide() {
        #expect(!framing(keepAlive: false, knownLength: 1).keepAlive)
        #expect(!framing(knownLength: 1, asksToClose: true).keepAlive)
    }

    @Test func theEncoderReplacesTheHandlersFramingFields() {
        var response = HTTPResponse(status: .ok)
        response.headerFields[.contentLength] = "999"
        response.headerFields[.transferEncoding] = "gzip"
        response.headerFields[.connection] = "keep-alive"
        response.headerFields[.contentType] = "text/plain"
        var buffer = ByteBuffer()
        HTTP1ResponseEncoder.writeHead(response, framing: framing(keepAlive: false, knownLength: 5), version: .http1_1, into: &buffer)
        #expect(
            String(buffer: buffer)
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: 5\r\nconnection: close\r\n\r\n")
    }

    @Test func chunkHeadersAreHexadecimal() {
        var buffer = ByteBuffer()
        HTTP1ResponseEncoder.writeChunkHeader(size: 4096, into: &buffer)
        #expect(String(buffer: buffer) == "1000\r\n")
    }
}

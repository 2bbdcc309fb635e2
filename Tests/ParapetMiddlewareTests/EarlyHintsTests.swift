import HTTPTypes
import ParapetCore
import Synchronization
import Testing

@testable import ParapetMiddleware

@Suite("EarlyHints: Link parsing, the learned table, push and preload")
struct EarlyHintsTests {
    @Test(arguments: [
        ("</a.css>; rel=preload; as=style", ["</a.css>; rel=preload; as=style"]),
        (
            "</a.css>; rel=preload, </b.js>; rel=preload; as=script",
            ["</a.css>; rel=preload", "</b.js>; rel=preload; as=script"]
        ),
        (
            "</x,y.css>; rel=preload; title=\"a, b\", <https://cdn.example>; rel=preconnect",
            ["</x,y.css>; rel=preload; title=\"a, b\"", "<https://cdn.example>; rel=preconnect"]
        ),
        ("</a.css>; rel=\"stylesheet preload\"", ["</a.css>; rel=\"stylesheet preload\""]),
        ("</a.css>; rel=PRELOAD", ["</a.css>; rel=PRELOAD"]),
        ("</a.css>; rel=preload; nopush", []),
        ("</a.css>; rel=stylesheet", []),
        ("</a.css>", []),
        ("a.css; rel=preload", []),
        ("</a.css>; rel=\"preload", []),
        ("</a.css> rel=preload", []),
        (" , ,", []),
    ])
    func picksTheHintWorthyLinks(field: String, expected: [String]) {
        #expect(LinkValues.earlyHints(in: [field]).map(String.init) == expected)
    }

    func instant(_ seconds: Int64) -> MonotonicInstant { MonotonicInstant.zero.advanced(by: .seconds(seconds)) }

    @Test func learnedLinksExpireAndAResponseWithoutLinksForgetsItsPath() {
        var table = EarlyHints.LearnedLinks(
            limits: .init(paths: 8, linksPerPath: 4, bytesPerPath: 100, lifetime: .seconds(60)))
        table.learn(["</a.css>; rel=preload"], for: "h/", at: instant(0))
        #expect(table.links(for: "h/", at: instant(59)) == ["</a.css>; rel=preload"])
        #expect(table.links(for: "h/", at: instant(60)) == nil)
        #expect(table.count == 0)
        table.learn(["</a.css>; rel=preload"], for: "h/", at: instant(70))
        table.learn([], for: "h/", at: instant(71))
        #expect(table.links(for: "h/", at: instant(72)) == nil)
    }

    @Test func linksAndBytesPerPathAreBounded() {
        var table = EarlyHints.LearnedLinks(
            limits: .init(paths: 8, linksPerPath: 2, bytesPerPath: 30, lifetime: .seconds(60)))
        table.learn(
            ["</1.css>; rel=preload", "</2.css>; rel=preload", "</3.css>; rel=preload"], for: "a", at: instant(0))
        #expect(table.links(for: "a", at: instant(1)) == ["</1.css>; rel=preload"])  // 21 + 21 bytes > 30
        table.learn([Substring(String(repeating: "x", count: 31))], for: "b", at: instant(0))
        #expect(table.links(for: "b", at: instant(1)) == nil)
    }

    @Test func whenFullThePathFirstLearnedMakesRoom() {
        var table = EarlyHints.LearnedLinks(
            limits: .init(paths: 3, linksPerPath: 4, bytesPerPath: 100, lifetime: .seconds(600)))
        for (second, path) in ["a", "b", "c"].enumerated() {
            table.learn(["<\(path)>; rel=preload"], for: path, at: instant(Int64(second)))
        }
        table.learn(["<a2>; rel=preload"], for: "a", at: instant(5))  // relearning keeps a's place
        table.learn(["<d>; rel=preload"], for: "d", at: instant(6))
        #expect(table.count == 3)
        #expect(table.links(for: "a", at: instant(7)) == nil)
        #expect(table.links(for: "b", at: instant(7)) == ["<b>; rel=preload"])
        #expect(table.links(for: "d", at: instant(7)) == ["<d>; rel=preload"])
    }

    @Test func manyPathsComingAndGoingKeepTheTableBounded() {
        var table = EarlyHints.LearnedLinks(
            limits: .init(paths: 16, linksPerPath: 1, bytesPerPath: 100, lifetime: .seconds(1)))
        for index in 0..<100_000 {
            table.learn(["<x>; rel=preload"], for: "p\(index)", at: instant(Int64(index)))
            #expect(table.count <= 16)
        }
        #expect(table.links(for: "p99999", at: instant(99_999)) == ["<x>; rel=preload"])
    }

    /// Sends `request` through `hints` in front of `next`, returning the interim heads sent and the response.
    func send(
        _ request: Request, through hints: any Handler, harness: MiddlewareHarness
    ) async throws -> (interim: [HTTPResponse], response: Response) {
        let sent = Mutex<[HTTPResponse]>([])
        var context = harness.context
        context.interimResponses = InterimResponses { head in sent.withLock { $0.append(head) } }
        let response = try await hints.handle(request, context: context)
        return (sent.withLock { $0 }, response)
    }

    @Test func pushSendsItsLinksBeforeTheHandlerToGETAndHEADOnly() async throws {
        let harness = MiddlewareHarness()
        let order = Mutex<[String]>([])
        let handler = try EarlyHints.push("</a.css>; rel=preload; as=style", "<https://cdn.example>; rel=preconnect")
            .wrap(
                Endpoint { _, _ in
                    order.withLock { $0.append("handler") }
                    return .text("page")
                }, in: harness.environment)
        let (interim, _) = try await send(MiddlewareHarness.request(.get, "/"), through: handler, harness: harness)
        #expect(interim.map(\.status.code) == [103])
        #expect(
            interim.first?.headerFields[values: HTTPField.Name("Link")!] == [
                "</a.css>; rel=preload; as=style", "<https://cdn.example>; rel=preconnect",
            ])
        let (posted, _) = try await send(MiddlewareHarness.request(.post, "/"), through: handler, harness: harness)
        #expect(posted.isEmpty)
        let (headed, _) = try await send(MiddlewareHarness.request(.head, "/"), through: handler, harness: harness)
        #expect(headed.count == 1)
    }

    @Test func preloadHintsWhatThePathsLastResponseLinked() async throws {
        let harness = MiddlewareHarness()
        let handler = try EarlyHints.preload().wrap(
            Endpoint { request, _ in
                var response = Response.text("page")
                if request.path?.hasPrefix("/page") == true {
                    response.headerFields[HTTPField.Name("Link")!] =
                        "</app.css>; rel=preload; as=style, </print.css>; rel=stylesheet"
                }
                return response
            }, in: harness.environment)
        let first = try await send(MiddlewareHarness.request(.get, "/page?x=1"), through: handler, harness: harness)
        #expect(first.interim.isEmpty)  // nothing learned yet
        let second = try await send(MiddlewareHarness.request(.get, "/page?x=2"), through: handler, harness: harness)
        #expect(
            second.interim.first?.headerFields[values: HTTPField.Name("Link")!] == ["</app.css>; rel=preload; as=style"]
        )
        let other = try await send(MiddlewareHarness.request(.get, "/other"), through: handler, harness: harness)
        #expect(other.interim.isEmpty)
        let otherHost = try await send(
            MiddlewareHarness.request(.get, "/page", host: "b.example"), through: handler, harness: harness)
        #expect(otherHost.interim.isEmpty)
    }

    @Test func badOptionsAreReportedWhenTheChainIsBuilt() throws {
        let harness = MiddlewareHarness()
        let pushErrors = try harness.configurationErrors(
            building: EarlyHints.push("/a.css", "</b.css>; rel=preload, </c.css>; rel=preload"))
        #expect(pushErrors.count == 2)
        let preloadErrors = try harness.configurationErrors(
            building: EarlyHints.preload(.init(paths: 0, lifetime: .zero)))
        #expect(preloadErrors.count == 2)
        #expect(try harness.configurationErrors(building: EarlyHints.push()).isEmpty)
    }
}

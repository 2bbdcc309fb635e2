import HTTPTypes
import ParapetCore
import ParapetUpstream
import Testing

@Suite("Failure classifiers and verdicts")
struct FailureClassifiersTests {
    static func answer(_ status: HTTPResponse.Status) -> Result<UpstreamResponse, any Error> {
        .success(UpstreamResponse(response: Response(status: status), target: "a"))
    }

    static let outcomes: [(String, Result<UpstreamResponse, any Error>)] = [
        ("200", answer(.ok)),
        ("404", answer(.notFound)),
        ("503", answer(.serviceUnavailable)),
        ("reset", .failure(resetByPeer)),
        ("timeout", .failure(UpstreamError.timedOut(target: "a"))),
        ("other error", .failure(BackendFailure())),
        ("shed", .failure(UpstreamError.unavailable(.allOpen))),
        ("cancelled", .failure(CancellationError())),
    ]

    @Test func transportFailuresOnlyCountsTransportErrorsAndTimeouts() {
        let failed = Self.outcomes.filter { FailureClassifiers.transportFailuresOnly($0.1) }.map(\.0)
        #expect(failed == ["reset", "timeout", "other error"])
    }

    @Test func transportFailuresAndServerErrorsAlsoCounts5xx() {
        let failed = Self.outcomes.filter { FailureClassifiers.transportFailuresAndServerErrors($0.1) }.map(\.0)
        #expect(failed == ["503", "reset", "timeout", "other error"])
    }

    @Test func aCancelledCallerMakesAnyErrorNeutralButNotAnAnswer() {
        let classifier = FailureClassifiers.transportFailuresAndServerErrors
        let verdicts = Self.outcomes.map { RoundTripVerdict($0.1, callerCancelled: true, isFailure: classifier) }
        #expect(verdicts == [.success, .success, .failure, .neutral, .neutral, .neutral, .neutral, .neutral])
        let uncancelled = Self.outcomes.map { RoundTripVerdict($0.1, callerCancelled: false, isFailure: classifier) }
        #expect(uncancelled == [.success, .success, .failure, .failure, .failure, .failure, .success, .neutral])
    }
}

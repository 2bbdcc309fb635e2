import HTTPTypes
import ParapetUpstream
import Testing

@Test func shedErrorsNameNoTarget() {
    #expect(UpstreamError.unavailable(.empty).target == nil)
    #expect(UpstreamError.timedOut(target: "a:1").target == "a:1")
}

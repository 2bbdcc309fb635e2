import HTTPTypes
import ParapetCore

extension CachingHandler {
    /// The policy ``Cache/Options/override`` forces on a response to `exchange`'s request with `status`,
    /// `fields` and directives `control`, whose own lifetime is `originLifetime`; `nil` when it forces none.
    func forcedPolicy(
        status: HTTPResponse.Status, fields: HTTPFields, control: CacheControl, originLifetime: Duration,
        age: ResponseAge, for exchange: Exchange
    ) -> StoredPolicy? {
        guard let override = options.override?(exchange.request, status, fields) else { return nil }
        return StoredPolicy(
            forcing: override, status: status, fields: fields, control: control,
            requestFields: exchange.request.headerFields, requestControl: exchange.requestControl,
            originLifetime: originLifetime, initialAge: age.initial)
    }
}

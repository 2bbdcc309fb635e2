// HTTP dates (WallInstant(httpDate:)): whatever parses formats back to a date that parses to the same instant.
import FuzzSupport

@testable import ParapetCore

fuzz { raw in
    let text = String(decoding: raw, as: UTF8.self)
    guard let instant = WallInstant(httpDate: text) else { return }
    let formatted = instant.httpDate
    precondition(WallInstant(httpDate: formatted) == instant, "\(text) → \(formatted) does not parse back")
}

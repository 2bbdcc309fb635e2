import HTTPTypes
import ParapetCore

/// The directives and the freshness lifetime an entry is stored with: the origin's, or those a
/// ``CacheOverride`` forces, per its mode.
///
/// A forced lifetime becomes the entry's freshness lifetime, and the forced windows become the stored
/// directives' own `stale-while-revalidate` and `stale-if-error` (with whatever forbade serving stale
/// taken out) — so reuse, serving stale and reaping read them as they read an origin's, and a disk store
/// keeps them with no field of their own. The response's `Cache-Control` field, which clients are sent,
/// is not touched.
struct StoredPolicy: Equatable {
    /// The directives the entry is stored with.
    var control: CacheControl
    /// How long the entry stays fresh, counted from its initial age, as ``CachedResponse/freshnessLifetime``.
    var lifetime: Duration

    /// The statuses an override may make cacheable: those cacheable by default (RFC 9110 §15.1) but `206`,
    /// which is never stored.
    static let forcibleStatuses = FreshnessLifetime.heuristicallyCacheable.subtracting([206])

    /// The directives a balanced or aggressive override replaces: the origin's freshness, and those that
    /// forbid serving stale, which the forced windows overrule.
    private static let replaced: Set<String> = [
        "max-age", "s-maxage", "no-cache", "must-revalidate", "proxy-revalidate", "stale-while-revalidate",
        "stale-if-error",
    ]

    /// The origin's own policy: `control`, and the lifetime it gives.
    init(control: CacheControl, lifetime: Duration) {
        self.control = control
        self.lifetime = lifetime
    }

    /// `override` applied to a response with `status`, `fields` and directives `control`, answering a
    /// request with `requestFields` and `requestControl`; `nil` when the override forces nothing on it,
    /// and the origin's directives decide.
    ///
    /// - Parameters:
    ///   - originLifetime: the lifetime the origin's own directives give the response.
    ///   - initialAge: how old the response was when it arrived; the forced lifetime counts from then.
    init?(
        forcing override: CacheOverride, status: HTTPResponse.Status, fields: HTTPFields, control: CacheControl,
        requestFields: HTTPFields, requestControl: CacheControl, originLifetime: Duration, initialAge: Duration
    ) {
        // `Vary: *` and a body too large are refused where the entry is made, forced or not.
        guard override.ttl > .zero, Self.forcibleStatuses.contains(status.code), fields[.setCookie] == nil,
            !requestControl.contains("no-store")
        else { return nil }
        let honoursStoring =
            !control.contains("no-store") && !control.isUnqualified("private")
            && StoragePolicy.mayShare(control, answering: requestFields)
        let lifetime = initialAge + min(override.ttl, .seconds(DeltaSeconds.cap))
        let windows = [
            ("stale-while-revalidate", Self.seconds(override.staleWhileRevalidate)),
            ("stale-if-error", Self.seconds(override.staleIfError)),
        ].filter { $0.1 > 0 }
        var directives = control.directives
        switch override.mode {
        case .balanced where !honoursStoring, .conservative where !honoursStoring || control.contains("no-cache"):
            return nil
        case .balanced, .aggressive:
            directives.removeAll { Self.replaced.contains($0.name) }
            for (name, seconds) in windows {
                directives.append(CacheControl.Directive(name: name, argument: String(seconds)))
            }
            self.lifetime = lifetime
        case .conservative:
            // Discrepancy #6 of the Go original, kept: "no freshness" is none left by the origin's account,
            // so `max-age=0`, a past `Expires` or an `Age` beyond `max-age` are forced too. A heuristic
            // lifetime is no freshness the origin gave.
            let isFresh =
                FreshnessLifetime.isExplicit(fields: fields, control: control) && originLifetime > initialAge
            self.lifetime = isFresh ? originLifetime : lifetime
            for (name, seconds) in windows where Reuse.allowsStale(control) && control.seconds(name).duration == nil {
                directives.removeAll { $0.name == name }
                directives.append(CacheControl.Directive(name: name, argument: String(seconds)))
            }
        }
        self.control = CacheControl(directives: directives, isTargeted: control.isTargeted)
    }

    /// A window as a directive's delta-seconds: whole seconds rounded up, at most the largest a directive
    /// holds; zero or less for none.
    private static func seconds(_ window: Duration) -> Int64 {
        let (seconds, attoseconds) = window.components
        return min(DeltaSeconds.cap, attoseconds > 0 ? seconds + 1 : seconds)
    }
}

// The umbrella module: `import Parapet` brings the core model, the everyday middlewares, authentication, the
// HTTP cache, compression, the rate limiters, the reverse proxy and its balancers, the SwiftNIO server and
// production runtime, and swift-http-types (for `HTTPResponse.Status`, `HTTPField.Name` and friends).
@_exported public import HTTPTypes
@_exported public import ParapetAuthn
@_exported public import ParapetCache
@_exported public import ParapetCacheDisk
@_exported public import ParapetCompression
@_exported public import ParapetCore
@_exported public import ParapetMiddleware
@_exported public import ParapetNIO
@_exported public import ParapetRateLimit
@_exported public import ParapetUpstream

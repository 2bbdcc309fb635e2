// The umbrella module: `import Parapet` brings the core model, the SwiftNIO server and production
// runtime, and swift-http-types (for `HTTPResponse.Status`, `HTTPField.Name` and friends).
@_exported public import HTTPTypes
@_exported public import ParapetCore
@_exported public import ParapetNIO

import Foundation

/// A spot the agent points at on the phone's picture, in normalised coordinates: (0, 0) is the
/// top left of the video as the console shows it, (1, 1) the bottom right, whatever either
/// side's resolution or aspect ratio. The phone draws it over its local preview for `shownFor`.
public struct VideoMarker: Codable, Equatable, Sendable {
    public var x: Double
    public var y: Double

    /// Long enough to find on a small screen, short enough that a stale one does not mislead
    /// once the camera has moved.
    public static let shownFor: Duration = .seconds(4)

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    private enum CodingKeys: String, CodingKey { case x, y }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        x = try Self.unit(c, .x)
        y = try Self.unit(c, .y)
    }

    private static func unit(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Double {
        let value = try c.decode(Double.self, forKey: key)
        guard value.isFinite, (0...1).contains(value) else { throw c.fail(key, "must be between 0 and 1") }
        return value
    }

    /// Where to draw it on a preview of `view` points that shows a `video`-sized picture scaled
    /// to fill it (the preview crops, the console shows the whole picture), mirrored for the
    /// front camera (its preview is mirrored, the picture the agent sees is not). nil when the
    /// spot is in the part the preview crops off.
    public func point(view: (width: Double, height: Double), video: (width: Double, height: Double), mirrored: Bool) -> (x: Double, y: Double)? {
        guard view.width > 0, view.height > 0, video.width > 0, video.height > 0 else { return nil }
        let scale = max(view.width / video.width, view.height / video.height)
        let shown = (width: video.width * scale, height: video.height * scale)
        let px = (mirrored ? 1 - x : x) * shown.width - (shown.width - view.width) / 2
        let py = y * shown.height - (shown.height - view.height) / 2
        guard (0...view.width).contains(px), (0...view.height).contains(py) else { return nil }
        return (px, py)
    }
}

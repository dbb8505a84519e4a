@preconcurrency import AVFoundation
import CompanionCore
import Foundation
@preconcurrency import WebRTC

/// The phone's camera through WebRTC's `RTCCameraVideoCapturer`, capturing into the call's video
/// source (`WebRTCMediaEngine.cameraSource(for:)`), which adapts it to 640×480. When, and which
/// camera, is CompanionCore's (`VideoSession`); the permission's reason is Info.plist's
/// `NSCameraUsageDescription`, shown by iOS the first time the person shares the camera.
@MainActor
final class LiveCamera: CameraProtocol {
    private let engine: WebRTCMediaEngine
    private var capturer: RTCCameraVideoCapturer?
    private var capturerCall: CallID?

    init(engine: WebRTCMediaEngine) {
        self.engine = engine
    }

    var permission: CameraPermission {
        switch AVCaptureDevice.authorizationStatus(for: .video) {
        case .authorized: .granted
        case .denied: .denied
        case .restricted: .restricted
        case .notDetermined: .undetermined
        @unknown default: .denied
        }
    }

    func requestPermission() async -> CameraPermission {
        _ = await AVCaptureDevice.requestAccess(for: .video)
        return permission
    }

    /// Starts the capture, or moves it to the other camera (the same capturer: WebRTC switches
    /// the session's input without a gap in the track).
    func start(_ position: CameraPosition, for callId: CallID) {
        guard let source = engine.cameraSource(for: callId) else { return }
        let wanted: AVCaptureDevice.Position = position == .front ? .front : .back
        guard let device = RTCCameraVideoCapturer.captureDevices().first(where: { $0.position == wanted }),
              let format = Self.format(for: device)
        else {
            AppLog.media.error("no \(position.rawValue, privacy: .public) camera")
            return
        }
        if capturerCall != callId {
            capturer?.stopCapture()
            capturer = RTCCameraVideoCapturer(delegate: source)
            capturerCall = callId
        }
        let fps = min(30, Int(format.videoSupportedFrameRateRanges.map(\.maxFrameRate).max() ?? 30))
        capturer?.startCapture(with: device, format: format, fps: fps) { @Sendable error in
            // On the capture session's queue: only a string crosses to the main actor.
            guard let message = error?.localizedDescription else { return }
            Task { @MainActor in AppLog.media.error("camera: \(message, privacy: .public)") }
        }
    }

    func stop() {
        capturer?.stopCapture()
        capturer = nil
        capturerCall = nil
    }

    /// The smallest format of at least 640×480, else the largest: capturing 4K to send 640×480
    /// heats the phone for nothing.
    private static func format(for device: AVCaptureDevice) -> AVCaptureDevice.Format? {
        let formats = RTCCameraVideoCapturer.supportedFormats(for: device).map { format in
            let size = CMVideoFormatDescriptionGetDimensions(format.formatDescription)
            return (format: format, width: Int(size.width), height: Int(size.height))
        }
        let bigEnough = formats.filter { $0.width >= 640 && $0.height >= 480 }
        if let smallest = bigEnough.min(by: { $0.width * $0.height < $1.width * $1.height }) { return smallest.format }
        return formats.max(by: { $0.width * $0.height < $1.width * $1.height })?.format
    }
}

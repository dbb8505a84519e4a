import AVFoundation
import SwiftUI
import UIKit

/// A camera preview that reports every QR code it reads (`AVCaptureMetadataOutput`).
struct QRScannerView: UIViewControllerRepresentable {
    let onCode: (String) -> Void

    func makeUIViewController(context: Context) -> ScannerViewController {
        let controller = ScannerViewController()
        controller.onCode = onCode
        return controller
    }

    func updateUIViewController(_ controller: ScannerViewController, context: Context) {
        controller.onCode = onCode
    }
}

final class ScannerViewController: UIViewController, AVCaptureMetadataOutputObjectsDelegate {
    var onCode: ((String) -> Void)?
    private let camera = CameraSession()
    private var previewLayer: AVCaptureVideoPreviewLayer?
    private var lastCode: String?

    override func viewDidLoad() {
        super.viewDidLoad()
        view.backgroundColor = .black
        let output = AVCaptureMetadataOutput()
        guard camera.configure(adding: output) else { return }
        output.setMetadataObjectsDelegate(self, queue: .main)
        // Only once the output is in the session: before, it offers no metadata types at all.
        output.metadataObjectTypes = [.qr]
        let preview = camera.makePreviewLayer()
        preview.videoGravity = .resizeAspectFill
        view.layer.addSublayer(preview)
        previewLayer = preview
    }

    override func viewDidLayoutSubviews() {
        super.viewDidLayoutSubviews()
        previewLayer?.frame = view.bounds
    }

    override func viewWillAppear(_ animated: Bool) {
        super.viewWillAppear(animated)
        camera.start()
    }

    override func viewWillDisappear(_ animated: Bool) {
        super.viewWillDisappear(animated)
        camera.stop()
    }

    /// Delivered on the main queue (`setMetadataObjectsDelegate(_:queue: .main)`).
    nonisolated func metadataOutput(
        _ output: AVCaptureMetadataOutput,
        didOutput metadataObjects: [AVMetadataObject],
        from connection: AVCaptureConnection
    ) {
        let value = metadataObjects.compactMap { ($0 as? AVMetadataMachineReadableCodeObject)?.stringValue }.first
        MainActor.assumeIsolated {
            guard let value else { return }
            // Every read goes to the model, whose gate decides (a code that failed is read again
            // after "Scan again"); the tap is felt once per code.
            if value != lastCode { UINotificationFeedbackGenerator().notificationOccurred(.success) }
            lastCode = value
            onCode?(value)
        }
    }
}

/// The camera session, handed between the main thread and a serial queue. `AVCaptureSession` is
/// not Sendable, which Swift 6 enforces: it is set up once on the main thread before anything else
/// uses it, and from then on only started and stopped on `queue` (`startRunning()` blocks until
/// the camera is up, so never on the main thread). That discipline is what `@unchecked` stands for.
private final class CameraSession: @unchecked Sendable {
    private let session = AVCaptureSession()
    private let queue = DispatchQueue(label: "switchboard.qr-scanner")

    /// The back camera as input, `output` as output; `false` without a camera (or permission).
    @MainActor
    func configure(adding output: AVCaptureMetadataOutput) -> Bool {
        guard let device = AVCaptureDevice.default(for: .video),
              let input = try? AVCaptureDeviceInput(device: device),
              session.canAddInput(input)
        else { return false }
        session.beginConfiguration()
        defer { session.commitConfiguration() }
        session.addInput(input)
        guard session.canAddOutput(output) else { return false }
        session.addOutput(output)
        return true
    }

    @MainActor
    func makePreviewLayer() -> AVCaptureVideoPreviewLayer {
        AVCaptureVideoPreviewLayer(session: session)
    }

    func start() {
        queue.async { if !self.session.isRunning { self.session.startRunning() } }
    }

    func stop() {
        queue.async { if self.session.isRunning { self.session.stopRunning() } }
    }
}

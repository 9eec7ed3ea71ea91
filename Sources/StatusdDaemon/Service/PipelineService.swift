import Foundation
import ServiceLifecycle

/// Runs the pipeline on its own thread for the life of the service group.
public struct PipelineService: Service {
    let pipeline: Pipeline

    public init(pipeline: Pipeline) { self.pipeline = pipeline }

    public func run() async throws {
        let pipeline = self.pipeline
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                pipeline.run()
                done.resume()
            }
            thread.name = "statusd-pipeline"
            thread.start()
            Task {
                // Ends on graceful shutdown or cancellation; either way the pipeline stops.
                try? await gracefulShutdown()
                pipeline.stop()
            }
        }
    }
}

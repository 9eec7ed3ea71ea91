import Foundation
import ServiceLifecycle

/// Runs the pipeline on its own thread for the life of the service group.
///
/// The pipeline stops on graceful shutdown (SIGTERM) and on cancellation: when another service
/// of the group fails (a metrics port already in use), the group cancels the rest, and a pipeline
/// left running would keep the process alive with nothing listening for signals any more.
package struct PipelineService: Service {
    let pipeline: Pipeline

    package init(pipeline: Pipeline) { self.pipeline = pipeline }

    package func run() async throws {
        let pipeline = self.pipeline
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    let thread = Thread {
                        pipeline.run()
                        done.resume()
                    }
                    thread.name = "statusd-pipeline"
                    thread.start()
                }
            } onGracefulShutdown: {
                pipeline.stop()
            }
        } onCancel: {
            pipeline.stop()
        }
    }
}

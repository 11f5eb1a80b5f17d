/**
 * The device writer's worker entry: see device-writer-service.ts.
 */
import { serveDeviceWriter, type DeviceWriterScope } from './device-writer-service';

serveDeviceWriter(self as unknown as DeviceWriterScope);

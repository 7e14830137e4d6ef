// The CGM sensors the simulation can wear, by name: the three modelled devices, and whatever a user
// registers (`cgmSensors.register('my-sensor', context => …)`, then `simulatePatient(…, { cgmDevice: 'my-sensor' })`).
import { CGM_DEVICES } from '../../domain/cgm.ts';
import { PartRegistry } from '../registry.ts';
import { ModelledCgm, sensorStreams } from './modelledCgm.ts';
import type { CgmSensorFactory } from './types.ts';

export type { CgmSensor, CgmSensorFactory, SensorContext, SensorTrace } from './types.ts';
export { CGM_DEVICE_SPECS, type CgmDeviceSpec } from './deviceSpecs.ts';

export const cgmSensors = new PartRegistry<CgmSensorFactory>('CGM sensor');
for (const device of CGM_DEVICES)
  cgmSensors.register(
    device,
    ({ randomSeed, patientIndex, totalMinutes, asleep }) =>
      new ModelledCgm(sensorStreams(randomSeed, patientIndex), device, totalMinutes, asleep),
  );

import { startFacePageServer, openFacePage, FIXTURES_DIR, FIXTURE_PHOTOS } from './face-harness';
import { writePhotoAsY4m } from './y4m';
const server = await startFacePageServer();
for (const photo of FIXTURE_PHOTOS) {
  writePhotoAsY4m(FIXTURES_DIR + '/' + photo.file, '/tmp/probe.y4m');
  const p = await openFacePage(server.origin, { cameraFile: '/tmp/probe.y4m' });
  console.log(photo.file, JSON.stringify(await p.page.evaluate(() => window.faceHarness.identityCheck())));
  await p.close();
}
await server.close();

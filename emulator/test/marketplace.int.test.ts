import {
  CopyImageCommand,
  CreateImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { aws, eventually, failure, freshAccount } from './support.js';

/** The emulator's Marketplace product AMI (emulator/failback_emulator/patches/ec2_marketplace.py). */
const MARKETPLACE_AMI = 'ami-0ba5eba11c0ffee00';

const recovery = freshAccount();
const primary = freshAccount();
const region = 'us-west-2';
const source = aws(recovery, region);

async function imageOf(ImageId: string | undefined) {
  return eventually('AMI available', async () => {
    const image = (await source.ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images?.[0];
    return image?.State === 'available' ? image : undefined;
  });
}

async function launchAndImage(ImageId: string, name: string) {
  const { Instances } = await source.ec2.send(new RunInstancesCommand({ ImageId, MinCount: 1, MaxCount: 1 }));
  const instanceId = Instances![0]!.InstanceId!;
  const { ImageId: derived } = await source.ec2.send(
    new CreateImageCommand({ InstanceId: instanceId, Name: name }),
  );
  const image = await imageOf(derived);
  for (const m of image.BlockDeviceMappings ?? [])
    await source.ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: m.Ebs!.SnapshotId!,
        CreateVolumePermission: { Add: [{ UserId: primary }] },
      }),
    );
  await source.ec2.send(
    new ModifyImageAttributeCommand({ ImageId: derived!, LaunchPermission: { Add: [{ UserId: primary }] } }),
  );
  return { instanceId, imageId: derived! };
}

describe('AWS Marketplace AMIs', () => {
  it('instances carry the product code, their images inherit it, and no other account may copy them', async () => {
    const marketplace = await launchAndImage(MARKETPLACE_AMI, 'from-marketplace');
    const instance = (
      await source.ec2.send(new DescribeInstancesCommand({ InstanceIds: [marketplace.instanceId] }))
    ).Reservations![0]!.Instances![0]!;
    expect(instance.ProductCodes).toEqual([
      { ProductCodeId: expect.any(String), ProductCodeType: 'marketplace' },
    ]);
    const copy = (imageId: string, account: string, name: string) =>
      aws(account, region).ec2.send(
        new CopyImageCommand({ SourceImageId: imageId, SourceRegion: region, Name: name }),
      );
    const refused = await failure(copy(marketplace.imageId, primary, 'copy-of-marketplace'));
    expect(refused.name).toBe('InvalidRequest');
    expect(refused.message).toMatch(/Marketplace/);
    // Within its own account it copies; the copy stays Marketplace-derived, and an instance from the
    // copy carries the code again, so its own image is refused across accounts too.
    const sameAccount = await copy(marketplace.imageId, recovery, 'same-account-copy');
    await imageOf(sameAccount.ImageId);
    const again = await launchAndImage(sameAccount.ImageId!, 'from-the-copy');
    expect((await failure(copy(again.imageId, primary, 'copy-of-copy'))).name).toBe('InvalidRequest');

    // An ordinary image is copied across accounts as before.
    const plain = await launchAndImage('ami-12345678', 'ordinary');
    expect((await copy(plain.imageId, primary, 'ordinary-copy')).ImageId).toMatch(/^ami-/);
  });
});

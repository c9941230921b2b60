"""AWS Marketplace AMIs: one public Marketplace product AMI in every region (`MARKETPLACE_AMI`, its
product code `MARKETPLACE_CODE`); an instance launched from an AMI with product codes carries them
(DescribeInstances ProductCodes), an AMI created from such an instance inherits them, and CopyImage
refuses to copy such an AMI into another account ("AMIs that originated from an AWS Marketplace AMI
are blocked from being copied to a different account"; within the account they copy). moto knew
product codes only as an attribute of AMIs nobody launched."""

from __future__ import annotations

from typing import Any

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.amis import Ami, AmiBackend
from moto.ec2.models.instances import Instance

MARKETPLACE_AMI = "ami-0ba5eba11c0ffee00"
MARKETPLACE_CODE = "8fmq2nqgwh0mbb6ns2vd5c9z2"
MARKETPLACE_OWNER = "679593333241"


def codes_of(image: Ami | None) -> set[str]:
    return set(getattr(image, "product_codes", None) or ()) if image is not None else set()


def inherit(ami: Ami, instance: Any) -> None:
    """CreateImage: the new AMI keeps the product codes of the instance (of the AMI it came from)."""
    codes = {c["ProductCodeId"] for c in getattr(instance, "product_codes", None) or []}
    if codes:
        ami.product_codes = codes


def refuse_cross_account_copy(source: Ami, account: str) -> None:
    if source.owner_id != account and codes_of(source):
        raise EC2ClientError(
            "InvalidRequest",
            f"The image {source.id} originated from an AWS Marketplace product and cannot be copied "
            "to another account. Launch the product in this account instead.",
        )


def _load_amis(original: Any) -> Any:
    def load(self: AmiBackend) -> None:
        original(self)
        self.amis[MARKETPLACE_AMI] = Ami(
            self,
            MARKETPLACE_AMI,
            name="failback-emulator-marketplace-product",
            description="An AWS Marketplace product (emulated)",
            owner_id=MARKETPLACE_OWNER,
            owner_alias="aws-marketplace",
            public=True,
            product_codes={MARKETPLACE_CODE},
            region_name=f"{self.region_name}a",  # type: ignore[attr-defined]
        )

    return load


def _instance_init(original: Any) -> Any:
    def init(self: Instance, ec2_backend: Any, image_id: str, *args: Any, **kwargs: Any) -> None:
        original(self, ec2_backend, image_id, *args, **kwargs)
        from .ec2_images import find_image

        image = find_image(ec2_backend, image_id, ec2_backend.region_name)
        codes = codes_of(image)
        if codes:
            self.product_codes = [
                {"ProductCodeId": code, "ProductCodeType": "marketplace"} for code in sorted(codes)
            ]

    return init


def install() -> None:
    AmiBackend._load_amis = _load_amis(AmiBackend._load_amis)  # type: ignore[method-assign]
    Instance.__init__ = _instance_init(Instance.__init__)  # type: ignore[method-assign]

"""Pulumi's property values and the plain values of the resources' logic, both ways.

The plugin speaks Pulumi's camelCase (``minLength``), the logic the models' snake_case
(``min_length``): top-level names are translated, nested maps (the state's bookkeeping) are not.
Pulumi's wire carries every number as a float; the logic's rules take a whole float as an int.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue

from pulumi_looker.resources.common import UNKNOWN
from pulumi_looker.stack_config import camel_case, snake_case


def to_plain(value: PropertyValue) -> Any:
    """A property value as the logic takes it; an unknown one is ``UNKNOWN``."""
    inner = value.value
    if isinstance(inner, Computed):
        return UNKNOWN
    if isinstance(inner, Mapping):
        return {k: to_plain(v) for k, v in inner.items()}
    if isinstance(inner, (tuple, list)):
        return [to_plain(v) for v in inner]
    return inner


def inputs_of(properties: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """Pulumi's properties as the logic's snake_case values (None for an explicit null)."""
    return {snake_case(name): to_plain(value) for name, value in properties.items()}


def to_property(value: Any, *, secret: bool = False) -> PropertyValue:
    if value == UNKNOWN:
        # Pulumi's wire marks an unknown with this string; the SDK's PropertyValue.computed()
        # cannot be marshalled (SDK 3.272: "Unsupported value type: Computed").
        return PropertyValue(UNKNOWN)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return PropertyValue(value, is_secret=secret)
    if isinstance(value, (int, float)):
        return PropertyValue(float(value), is_secret=secret)
    if isinstance(value, Mapping):
        return PropertyValue({str(k): to_property(v) for k, v in value.items()}, is_secret=secret)
    if isinstance(value, Iterable):
        return PropertyValue([to_property(v) for v in value], is_secret=secret)
    raise TypeError(f"no Pulumi property value for {value!r}")


def properties_of(
    values: Mapping[str, Any], secrets: Iterable[str] = ()
) -> dict[str, PropertyValue]:
    """The logic's snake_case values as Pulumi's camelCase properties; ``secrets`` (snake_case
    names) are marked secret."""
    secret = set(secrets)
    return {
        camel_case(name): to_property(value, secret=name in secret)
        for name, value in values.items()
    }

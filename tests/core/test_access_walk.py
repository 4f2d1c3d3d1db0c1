"""Every page and every API operation goes through the access home.

The walk visits every URL pattern (through every include) and every django-ninja operation
of `samverkan.api.api`, reads each view's source, and requires that it calls, itself or
through a function of its own module, a chokepoint or check imported from an access module
(`samverkan.core.access` or `samverkan.<app>.access`): a `*_for_user` function, a `can_*`
or a `require_*`. The few endpoints that are public by nature are listed in PUBLIC, each
with its reason. A new view that reads data straight from the models fails here.
"""

import ast
import functools
import inspect
import re
import textwrap
import types
from collections.abc import Callable, Iterable, Iterator

from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, include, path
from ninja import NinjaAPI, Router

from samverkan.api import api
from samverkan.core.access import can_report
from samverkan.incidents.access import get_incident_for_user
from samverkan.incidents.models import Incident

ACCESS_MODULE = re.compile(r"^samverkan\.\w+\.access$")
ACCESS_NAME = re.compile(r"(_for_user$|^can_|^require_)")

# URL name → why it needs no access check. "admin:" stands for every name in that namespace,
# "*:openapi-json" for that name in any namespace (each django-ninja API has its own).
PUBLIC = {
    "login": "the login page itself",
    "logout": "ends the session; shows nothing",
    "oidc_authentication_init": "sends the browser to the identity provider to sign in",
    "oidc_authentication_callback": "the provider's answer; signs in or refuses, shows nothing",
    "oidc_logout": "ends the session; shows nothing",
    "set_language": "stores the chosen language in the session",
    "lagesbild_vega": "the vega-embed bundle, a static script",
    "admin:": "the admin site checks staff status and model permissions itself",
    "*:openapi-json": "the OpenAPI document describes the API, holds no data",
    "*:openapi-view": "the page that renders the OpenAPI document",
    "*:api-root": "django-ninja's root, links the documentation",
    "open311_services": "Open311 discovery: the category list every reporter may read",
    "open311_service": "Open311 discovery: one category's attributes",
    "api:list_categories": "the category taxonomy, the same for every party",
}


# --- Reading a view -----------------------------------------------------------------------------


def _unwrap(view: Callable) -> Callable:
    """The function under its decorators: through ``__wrapped__`` and through a wrapper that
    keeps the view in its closure under the same name (a hand-written decorator)."""
    while True:
        view = inspect.unwrap(view)
        inner = [
            cell.cell_contents
            for cell in getattr(view, "__closure__", None) or ()
            if inspect.isfunction(cell.cell_contents)
            and cell.cell_contents.__name__ == view.__name__
        ]
        if not inner:
            return view
        view = inner[0]


def _functions_of(view: Callable) -> list[Callable]:
    """The functions whose code answers the request: a class-based view's own methods."""
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return [_unwrap(view)]
    return [
        member
        for _name, member in inspect.getmembers(view_class, inspect.isfunction)
        if member.__module__ == view_class.__module__
    ]


def _access_module(name: str) -> bool:
    return bool(ACCESS_MODULE.match(name))


def _is_access(value, attribute: str | None = None) -> bool:
    if attribute is not None:  # module.attribute(...)
        return (
            isinstance(value, types.ModuleType)
            and _access_module(value.__name__)
            and bool(ACCESS_NAME.search(attribute))
        )
    return (
        callable(value)
        and _access_module(getattr(value, "__module__", "") or "")
        and bool(ACCESS_NAME.search(getattr(value, "__name__", "")))
    )


def goes_through_access(function: Callable, seen: set | None = None) -> bool:
    """True if ``function``, or a function of its own module that it calls, calls an access
    chokepoint or check."""
    seen = set() if seen is None else seen
    if function in seen or not inspect.isfunction(function):
        return False
    seen.add(function)
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return False
    tree = ast.parse(source)
    names = dict(function.__globals__)
    imported_here = {  # an import inside the function counts as well
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and _access_module(node.module or "")
        for alias in node.names
        if ACCESS_NAME.search(alias.name)
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name):
            value = names.get(node.func.id)
            if node.func.id in imported_here or _is_access(value):
                return True
            if (
                inspect.isfunction(value)
                and value.__module__ == function.__module__
                and goes_through_access(value, seen)
            ):
                return True
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            if _is_access(names.get(node.func.value.id), node.func.attr):
                return True
    return False


# --- Walking the URLs and the API ---------------------------------------------------------------


def _ninja_operations(view: Callable) -> list[Callable] | None:
    """The operations behind one of django-ninja's URL patterns, None for any other view."""
    if not (getattr(view, "__module__", "") or "").startswith("ninja."):
        return None
    for cell in getattr(view, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if operations is not None:
            return [operation.view_func for operation in operations]
    return None


def url_views(patterns: Iterable, prefix: str = "", namespace: str = "") -> Iterator[tuple]:
    """(route, URL name with namespace, view) for every pattern, through every include."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from url_views(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace + (pattern.name or ""), pattern.callback


def api_operations(ninja_api: NinjaAPI) -> Iterator[tuple]:
    """(route, URL name, view function) for every operation of every router of the API."""
    ninja_api.urls  # noqa: B018 - binds the routers, as mounting the API does
    namespace = ninja_api.urls_namespace
    for prefix, router in ninja_api._routers:
        for route, path_view in router.path_operations.items():
            for operation in path_view.operations:
                name = f"{namespace}:{operation.view_func.__name__}"
                yield f"{prefix.rstrip('/')}{route}", name, operation.view_func


def _names(key: str, name: str) -> bool:
    """Whether a PUBLIC key stands for this URL name."""
    if key.startswith("*:"):
        return name.endswith(key[1:])
    return name.startswith(key) if key.endswith(":") else name == key


def _public(name: str) -> bool:
    return any(_names(key, name) for key in PUBLIC)


def _passes(view: Callable) -> bool:
    operations = _ninja_operations(view)
    if operations is not None:  # each operation answers on its own
        return all(goes_through_access(_unwrap(operation)) for operation in operations)
    return any(goes_through_access(function) for function in _functions_of(view))


def bypassing(endpoints: Iterable[tuple]) -> list[str]:
    """The endpoints that neither go through access nor are public, as "route (name)"."""
    return [
        f"{route} ({name or getattr(view, '__name__', view)})"
        for route, name, view in endpoints
        if not _public(name) and not _passes(view)
    ]


# --- The project ----------------------------------------------------------------------------


def test_every_url_goes_through_the_access_home():
    assert bypassing(url_views(get_resolver().url_patterns)) == []


def test_every_api_operation_goes_through_the_access_home():
    assert bypassing(api_operations(api)) == []


def test_every_public_endpoint_still_exists():
    names = {name for _route, name, _view in url_views(get_resolver().url_patterns)}
    names |= {name for _route, name, _view in api_operations(api)}
    stale = [key for key in PUBLIC if not any(_names(key, name) for name in names)]
    assert stale == []


# --- The walk can fail ----------------------------------------------------------------------


def leaky_incident(request, pk):
    """Reads a report straight from the model: another party's report would show."""
    return HttpResponse(Incident.objects.get(pk=pk).description)


def _checked(request) -> None:
    if not can_report(request.user):
        raise PermissionError


def scoped_incident(request, pk):
    return HttpResponse(get_incident_for_user(request.user, pk).description)


def checked_through_a_helper(request):
    _checked(request)
    return HttpResponse("ok")


def _decorated(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapped


def test_the_walk_reports_a_view_that_bypasses_access():
    patterns = [
        path("lacka/<int:pk>/", _decorated(leaky_incident), name="leaky"),
        path("nested/", include([path("rapport/<int:pk>/", scoped_incident, name="scoped")])),
        path("kontroll/", checked_through_a_helper, name="checked"),
        path("sprak/", leaky_incident, name="set_language"),  # a public name is let through
    ]

    assert bypassing(url_views(patterns)) == ["lacka/<int:pk>/ (leaky)"]


def test_the_walk_reports_an_api_operation_that_bypasses_access():
    router = Router()

    @router.get("/lacka/{pk}")
    def leaky_report(request, pk: int):
        return {"description": Incident.objects.get(pk=pk).description}

    @router.get("/rapport/{pk}")
    def scoped_report(request, pk: int):
        return {"description": get_incident_for_user(request.auth, pk).description}

    fake = NinjaAPI(urls_namespace="leaky-api")
    fake.add_router("/", router)

    assert bypassing(api_operations(fake)) == ["/lacka/{pk} (leaky-api:leaky_report)"]
    # Mounted among the URLs, the API's patterns are walked through their operations too.
    mounted = [path("api/", fake.urls)]
    assert bypassing(url_views(mounted)) == ["api/lacka/<pk> (leaky-api:leaky_report)"]

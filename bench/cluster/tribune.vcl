vcl 4.1;
# Varnish in front of Tribune's balancer, as a CDN would be: it keeps the public
# reads (published threads and counts) as Tribune's Cache-Control allows, and
# forgets them when the purge receiver (purge.py) sends a BAN on a decision.
# bench/cluster/cluster.py writes the backend's port in place of BACKEND_PORT.

backend tribune {
    .host = "127.0.0.1";
    .port = "BACKEND_PORT";
}

acl purgers {
    "127.0.0.1";
}

sub vcl_recv {
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.X-Ban-Url) {
            return (synth(400, "X-Ban-Url (a regular expression) is missing"));
        }
        # X-Cache-Url is the URL an object was fetched for (vcl_backend_response);
        # bans on an object's own header are checked by the ban lurker too.
        ban("obj.http.X-Cache-Url ~ " + req.http.X-Ban-Url);
        return (synth(200, "Banned"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Only the public reads are kept; everything else (the form, the reader's own
    # comments, moderation) goes to Tribune every time.
    if (req.url !~ "^/api/v1/(comments|counts)\?" || req.http.Authorization
            || req.http.X-Tribune-Commenter) {
        return (pass);
    }
    # These answers do not depend on who asks: the widget's cookie is not part of them.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # Keep only what Tribune says may be shared. Its refusals (a 404 for a URL under
    # no site, in the asker's language) carry no Cache-Control, and Varnish would
    # otherwise keep a 404 for its default two minutes.
    if (beresp.http.Cache-Control !~ "(^|[ ,])public([ ,]|$)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    set beresp.http.X-Cache-Url = bereq.url;
}

sub vcl_deliver {
    unset resp.http.X-Cache-Url;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}

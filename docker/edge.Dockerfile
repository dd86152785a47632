# The edge (nginx) Dockhand puts in front of a service, as test/fixtures/edge builds it offline, but
# from the official nginx image: Alpine has /bin/busybox, which the health check calls.
ARG NGINX_IMAGE=nginx:1.27-alpine
FROM ${NGINX_IMAGE}
COPY test/fixtures/edge/nginx.conf /etc/nginx/nginx.conf
COPY test/fixtures/edge/default.conf /etc/nginx/conf.d/default.conf
LABEL dockhand.role=edge
EXPOSE 80
HEALTHCHECK --interval=1s --timeout=2s --retries=3 \
  CMD ["/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/__edge/health"]
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]

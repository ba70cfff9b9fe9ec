import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Avatars come from arbitrary user-supplied URLs; we render them with <img>.
  images: { unoptimized: true },
};

export default nextConfig;

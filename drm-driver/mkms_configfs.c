// SPDX-License-Identifier: GPL-2.0
/*
 * Runtime configuration: devices described and created through configfs.
 *
 *   /sys/kernel/config/mkms/<device>/
 *	enabled			1 creates the platform device, 0 removes it
 *	device			its name (mkms.<id>) while enabled
 *	planes/<plane>/type	0 overlay, 1 primary, 2 cursor
 *	planes/<plane>/possible_crtcs/		a link to its CRTC
 *	crtcs/<crtc>/writeback	1: the CRTC has a writeback connector
 *	encoders/<encoder>/possible_crtcs/	links to CRTCs
 *	connectors/<connector>/status		1 connected, 2 disconnected,
 *						3 unknown; writable while
 *						enabled (a hotplug)
 *	connectors/<connector>/edid		its EDID (binary); writable
 *						while enabled (a new monitor)
 *	connectors/<connector>/possible_encoders/	links to encoders
 *
 * The layout is vkms's, so that what users know of one works with the
 * other (edid is mkms's). The description and the running device are
 * separate objects: enabling turns the description into a struct
 * mkms_desc, which the platform device carries and probe copies into the
 * drm_device. Editing or removing the tree afterwards changes only the
 * description; the only paths from here into a running device are
 * mkms_cfs_push_status() and mkms_cfs_push_edid(), which hold the device
 * lock and enter the drm_device.
 *
 * Locking: configfs serialises mkdir, rmdir, link and unlink within the
 * subsystem; attribute reads and writes take the device's @lock.
 */

#include <linux/configfs.h>
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <drm/drm_drv.h>
#include <drm/drm_edid.h>

#include "mkms_drv.h"

enum mkms_cfs_kind {
	MKMS_CFS_PLANE,
	MKMS_CFS_CRTC,
	MKMS_CFS_ENCODER,
	MKMS_CFS_CONNECTOR,
	MKMS_CFS_KINDS
};

#define MKMS_CFS_MAX_LINKS	32

static const char * const mkms_cfs_kind_names[MKMS_CFS_KINDS] = {
	[MKMS_CFS_PLANE]	= "planes",
	[MKMS_CFS_CRTC]		= "crtcs",
	[MKMS_CFS_ENCODER]	= "encoders",
	[MKMS_CFS_CONNECTOR]	= "connectors",
};

/* How many of each a description may have. */
static const unsigned int mkms_cfs_kind_max[MKMS_CFS_KINDS] = {
	[MKMS_CFS_PLANE]	= MKMS_MAX_CRTCS * MKMS_PLANES_PER_PIPE,
	[MKMS_CFS_CRTC]		= MKMS_MAX_CRTCS,
	[MKMS_CFS_ENCODER]	= MKMS_MAX_ENCODERS,
	[MKMS_CFS_CONNECTOR]	= MKMS_MAX_CONNECTORS,
};

/**
 * struct mkms_cfs_device - the description of a device
 * @group: /sys/kernel/config/mkms/<device>
 * @kinds: its planes, crtcs, encoders and connectors groups
 * @lock: protects the description's attributes, @pdev and the objects'
 *	@index
 * @objs: the objects of each kind, oldest first: CRTC i of the device is
 *	the i-th in @objs[MKMS_CFS_CRTC]
 * @count: the number of objects of each kind
 * @pdev: the platform device while enabled, else NULL
 */
struct mkms_cfs_device {
	struct config_group group;
	struct config_group kinds[MKMS_CFS_KINDS];
	struct mutex lock; /* see above */
	struct list_head objs[MKMS_CFS_KINDS];
	unsigned int count[MKMS_CFS_KINDS];
	struct platform_device *pdev;
};

/**
 * struct mkms_cfs_obj - the description of a plane, CRTC, encoder or
 *	connector
 * @group: its directory
 * @links_group: its possible_crtcs or possible_encoders directory
 * @dev: the device it belongs to, which outlives it: a device's directory
 *	can only be removed once every object and link in it is gone
 * @kind: what it describes
 * @node: in @dev->objs[@kind]; empty once removed
 * @links: the objects it links to (CRTCs or encoders of @dev)
 * @num_links: the number of entries in @links
 * @type: a plane's enum drm_plane_type
 * @writeback: a CRTC has a writeback connector
 * @status: a connector's enum drm_connector_status
 * @edid: a connector's EDID, or NULL
 * @edid_len: its length in bytes
 * @index: a connector's index in the running device, while enabled
 */
struct mkms_cfs_obj {
	struct config_group group;
	struct config_group links_group;
	struct mkms_cfs_device *dev;
	enum mkms_cfs_kind kind;
	struct list_head node;
	struct mkms_cfs_obj *links[MKMS_CFS_MAX_LINKS];
	unsigned int num_links;
	unsigned int type;
	bool writeback;
	enum drm_connector_status status;
	u8 *edid;
	size_t edid_len;
	unsigned int index;
};

static struct mkms_cfs_device *to_cfs_device(struct config_item *item)
{
	return container_of(to_config_group(item), struct mkms_cfs_device,
			    group);
}

static struct mkms_cfs_obj *to_cfs_obj(struct config_item *item)
{
	return container_of(to_config_group(item), struct mkms_cfs_obj, group);
}

static bool mkms_cfs_parse_uint(const char *page, unsigned int max,
				unsigned int *val)
{
	return !kstrtouint(page, 0, val) && *val <= max;
}

/* ---- The running device ------------------------------------------------- */

/*
 * Enabled with a description that mkms_desc_check() accepted, the device
 * may still fail to bind (out of memory, fault injection): then it is
 * removed again and the description stays disabled.
 */
static int mkms_cfs_enable(struct mkms_cfs_device *dev,
			   const struct mkms_desc *desc)
{
	struct platform_device *pdev;
	bool bound;

	pdev = mkms_device_create(desc);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);

	device_lock(&pdev->dev);
	bound = pdev->dev.driver;
	device_unlock(&pdev->dev);
	if (!bound) {
		mkms_device_destroy(pdev);
		return -EIO;
	}

	dev->pdev = pdev;
	return 0;
}

static void mkms_cfs_disable(struct mkms_cfs_device *dev)
{
	if (!dev->pdev)
		return;
	mkms_device_destroy(dev->pdev);
	dev->pdev = NULL;
}

/*
 * Enter the running device of @dev, if it is bound: the device lock keeps
 * it from being unbound meanwhile, drm_dev_enter() keeps it from having
 * been unplugged. Returns it, or NULL; mkms_cfs_exit() leaves it.
 */
static struct mkms_device *mkms_cfs_enter(struct mkms_cfs_device *dev,
					  int *idx)
{
	struct platform_device *pdev = dev->pdev;
	struct mkms_device *mkms;

	if (!pdev)
		return NULL;

	device_lock(&pdev->dev);
	mkms = pdev->dev.driver ? platform_get_drvdata(pdev) : NULL;
	if (mkms && drm_dev_enter(&mkms->drm, idx))
		return mkms;
	device_unlock(&pdev->dev);
	return NULL;
}

static void mkms_cfs_exit(struct mkms_cfs_device *dev, int idx)
{
	drm_dev_exit(idx);
	device_unlock(&dev->pdev->dev);
}

/* Plug or unplug a connector of the running device. */
static void mkms_cfs_push_status(struct mkms_cfs_obj *obj)
{
	struct mkms_device *mkms;
	int idx;

	mkms = mkms_cfs_enter(obj->dev, &idx);
	if (!mkms)
		return;
	mkms_connector_set_status(mkms, obj->index, obj->status);
	mkms_cfs_exit(obj->dev, idx);
}

/* Give a connector of the running device another monitor. */
static void mkms_cfs_push_edid(struct mkms_cfs_obj *obj)
{
	struct mkms_device *mkms;
	int idx;

	mkms = mkms_cfs_enter(obj->dev, &idx);
	if (!mkms)
		return;
	mkms_connector_set_edid(mkms, obj->index, obj->edid, obj->edid_len);
	mkms_cfs_exit(obj->dev, idx);
}

/* ---- From a description to a struct mkms_desc --------------------------- */

static int mkms_cfs_index(struct mkms_cfs_device *dev, struct mkms_cfs_obj *obj)
{
	struct mkms_cfs_obj *pos;
	int i = 0;

	list_for_each_entry(pos, &dev->objs[obj->kind], node) {
		if (pos == obj)
			return i;
		i++;
	}
	return -ENOENT;
}

/* The mask of the indices of what @obj links to. */
static u32 mkms_cfs_link_mask(struct mkms_cfs_obj *obj)
{
	u32 mask = 0;
	unsigned int i;

	for (i = 0; i < obj->num_links; i++)
		mask |= BIT(mkms_cfs_index(obj->dev, obj->links[i]));
	return mask;
}

/* The size of the struct mkms_desc of @dev, with its EDIDs. */
static size_t mkms_cfs_desc_size(struct mkms_cfs_device *dev)
{
	struct mkms_cfs_obj *obj;
	size_t size = sizeof(struct mkms_desc);

	list_for_each_entry(obj, &dev->objs[MKMS_CFS_CONNECTOR], node)
		size += obj->edid_len;
	return size;
}

/* @desc has mkms_cfs_desc_size() bytes. */
static int mkms_cfs_build(struct mkms_cfs_device *dev, struct mkms_desc *desc,
			  const char **why)
{
	u8 primaries[MKMS_MAX_CRTCS] = {}, cursors[MKMS_MAX_CRTCS] = {};
	u8 *edids = (u8 *)(desc + 1);
	struct mkms_cfs_obj *obj;
	unsigned int i = 0;
	int crtc;

	memset(desc, 0, sizeof(*desc));
	desc->num_crtcs = dev->count[MKMS_CFS_CRTC];
	desc->num_encoders = dev->count[MKMS_CFS_ENCODER];
	desc->num_connectors = dev->count[MKMS_CFS_CONNECTOR];

	list_for_each_entry(obj, &dev->objs[MKMS_CFS_CRTC], node)
		desc->crtcs[i++].writeback = obj->writeback;

	list_for_each_entry(obj, &dev->objs[MKMS_CFS_PLANE], node) {
		if (obj->num_links != 1) {
			*why = "a plane must be linked to exactly one CRTC";
			return -EINVAL;
		}
		crtc = mkms_cfs_index(dev, obj->links[0]);
		switch (obj->type) {
		case DRM_PLANE_TYPE_PRIMARY:
			primaries[crtc]++;
			break;
		case DRM_PLANE_TYPE_CURSOR:
			cursors[crtc]++;
			desc->crtcs[crtc].cursor = true;
			break;
		default:
			desc->crtcs[crtc].overlays++;
			break;
		}
	}

	for (i = 0; i < desc->num_crtcs; i++) {
		if (primaries[i] != 1) {
			*why = "every CRTC needs exactly one primary plane";
			return -EINVAL;
		}
		if (cursors[i] > 1) {
			*why = "a CRTC has more than one cursor plane";
			return -EINVAL;
		}
	}

	i = 0;
	list_for_each_entry(obj, &dev->objs[MKMS_CFS_ENCODER], node)
		desc->encoder_crtcs[i++] = mkms_cfs_link_mask(obj);

	i = 0;
	list_for_each_entry(obj, &dev->objs[MKMS_CFS_CONNECTOR], node) {
		desc->connectors[i].possible_encoders = mkms_cfs_link_mask(obj);
		desc->connectors[i].status = obj->status;
		desc->connectors[i].edid_offset = desc->edid_bytes;
		desc->connectors[i].edid_len = obj->edid_len;
		if (obj->edid_len)
			memcpy(edids + desc->edid_bytes, obj->edid,
			       obj->edid_len);
		desc->edid_bytes += obj->edid_len;
		obj->index = i++;
	}

	return mkms_desc_check(desc, why);
}

/* ---- Objects ------------------------------------------------------------ */

static ssize_t mkms_cfs_type_show(struct config_item *item, char *page)
{
	struct mkms_cfs_obj *obj = to_cfs_obj(item);
	unsigned int type;

	mutex_lock(&obj->dev->lock);
	type = obj->type;
	mutex_unlock(&obj->dev->lock);
	return sysfs_emit(page, "%u\n", type);
}

static ssize_t mkms_cfs_type_store(struct config_item *item,
				   const char *page, size_t len)
{
	struct mkms_cfs_obj *obj = to_cfs_obj(item);
	unsigned int type;
	int ret = len;

	if (!mkms_cfs_parse_uint(page, DRM_PLANE_TYPE_CURSOR, &type))
		return -EINVAL;

	mutex_lock(&obj->dev->lock);
	if (obj->dev->pdev)
		ret = -EBUSY;
	else
		obj->type = type;
	mutex_unlock(&obj->dev->lock);
	return ret;
}

static ssize_t mkms_cfs_writeback_show(struct config_item *item, char *page)
{
	struct mkms_cfs_obj *obj = to_cfs_obj(item);
	bool writeback;

	mutex_lock(&obj->dev->lock);
	writeback = obj->writeback;
	mutex_unlock(&obj->dev->lock);
	return sysfs_emit(page, "%d\n", writeback);
}

static ssize_t mkms_cfs_writeback_store(struct config_item *item,
					const char *page, size_t len)
{
	struct mkms_cfs_obj *obj = to_cfs_obj(item);
	bool writeback;
	int ret = len;

	if (kstrtobool(page, &writeback))
		return -EINVAL;

	mutex_lock(&obj->dev->lock);
	if (obj->dev->pdev)
		ret = -EBUSY;
	else
		obj->writeback = writeback;
	mutex_unlock(&obj->dev->lock);
	return ret;
}

static ssize_t mkms_cfs_status_show(struct config_item *item, char *page)
{
	struct mkms_cfs_obj *obj = to_cfs_obj(item);
	unsigned int status;

	mutex_lock(&obj->dev->lock);
	status = obj->status;
	mutex_unlock(&obj->dev->lock);
	return sysfs_emit(page, "%u\n", status);
}

/* The one attribute that changes a running device: a hotplug. */
static ssize_t mkms_cfs_status_store(struct config_item *item,
				     const char *page, size_t len)
{
	struct mkms_cfs_obj *obj = to_cfs_obj(item);
	unsigned int status;

	if (!mkms_cfs_parse_uint(page, connector_status_unknown, &status) ||
	    status < connector_status_connected)
		return -EINVAL;

	mutex_lock(&obj->dev->lock);
	obj->status = status;
	if (!list_empty(&obj->node))
		mkms_cfs_push_status(obj);
	mutex_unlock(&obj->dev->lock);
	return len;
}

static ssize_t mkms_cfs_edid_read(struct config_item *item, void *buf,
				  size_t max)
{
	struct mkms_cfs_obj *obj = to_cfs_obj(item);
	ssize_t ret;

	mutex_lock(&obj->dev->lock);
	ret = obj->edid_len;
	if (buf && max < obj->edid_len)
		ret = -EAGAIN;	/* it grew since configfs asked its size */
	else if (buf && obj->edid_len)
		memcpy(buf, obj->edid, obj->edid_len);
	mutex_unlock(&obj->dev->lock);
	return ret;
}

/*
 * configfs hands over what was written when the file is closed, and
 * ignores what this returns: anything of at least one EDID block is taken
 * as it is (a broken EDID is a monitor's problem, which the DRM core
 * handles), anything shorter removes the EDID.
 */
static ssize_t mkms_cfs_edid_write(struct config_item *item, const void *buf,
				   size_t len)
{
	struct mkms_cfs_obj *obj = to_cfs_obj(item);
	u8 *edid = NULL;

	if (len >= EDID_LENGTH) {
		edid = kmemdup(buf, len, GFP_KERNEL);
		if (!edid)
			return -ENOMEM;
	} else {
		len = 0;
	}

	mutex_lock(&obj->dev->lock);
	kfree(obj->edid);
	obj->edid = edid;
	obj->edid_len = len;
	if (!list_empty(&obj->node))
		mkms_cfs_push_edid(obj);
	mutex_unlock(&obj->dev->lock);
	return len;
}

static struct configfs_bin_attribute mkms_cfs_attr_edid = {
	.cb_attr = {
		.ca_name	= "edid",
		.ca_owner	= THIS_MODULE,
		.ca_mode	= 0600,
	},
	.cb_max_size	= MKMS_EDID_MAX,
	.read		= mkms_cfs_edid_read,
	.write		= mkms_cfs_edid_write,
};

static struct configfs_bin_attribute *mkms_cfs_connector_bin_attrs[] = {
	&mkms_cfs_attr_edid,
	NULL
};

/* Root only, like the rest of the driver's knobs. */
#define MKMS_CFS_ATTR(_name)					\
static struct configfs_attribute mkms_cfs_attr_##_name = {	\
	.ca_name	= __stringify(_name),			\
	.ca_owner	= THIS_MODULE,				\
	.ca_mode	= 0600,					\
	.show		= mkms_cfs_##_name##_show,		\
	.store		= mkms_cfs_##_name##_store,		\
}

MKMS_CFS_ATTR(type);
MKMS_CFS_ATTR(writeback);
MKMS_CFS_ATTR(status);

static struct configfs_attribute *mkms_cfs_plane_attrs[] = {
	&mkms_cfs_attr_type,
	NULL
};

static struct configfs_attribute *mkms_cfs_crtc_attrs[] = {
	&mkms_cfs_attr_writeback,
	NULL
};

static struct configfs_attribute *mkms_cfs_connector_attrs[] = {
	&mkms_cfs_attr_status,
	NULL
};

static void mkms_cfs_obj_release(struct config_item *item)
{
	struct mkms_cfs_obj *obj = to_cfs_obj(item);

	kfree(obj->edid);
	kfree(obj);
}

static struct configfs_item_operations mkms_cfs_obj_ops = {
	.release	= mkms_cfs_obj_release,
};

static const struct config_item_type mkms_cfs_obj_types[MKMS_CFS_KINDS] = {
	[MKMS_CFS_PLANE] = {
		.ct_item_ops	= &mkms_cfs_obj_ops,
		.ct_attrs	= mkms_cfs_plane_attrs,
		.ct_owner	= THIS_MODULE,
	},
	[MKMS_CFS_CRTC] = {
		.ct_item_ops	= &mkms_cfs_obj_ops,
		.ct_attrs	= mkms_cfs_crtc_attrs,
		.ct_owner	= THIS_MODULE,
	},
	[MKMS_CFS_ENCODER] = {
		.ct_item_ops	= &mkms_cfs_obj_ops,
		.ct_owner	= THIS_MODULE,
	},
	[MKMS_CFS_CONNECTOR] = {
		.ct_item_ops	= &mkms_cfs_obj_ops,
		.ct_attrs	= mkms_cfs_connector_attrs,
		.ct_bin_attrs	= mkms_cfs_connector_bin_attrs,
		.ct_owner	= THIS_MODULE,
	},
};

/* ---- Links -------------------------------------------------------------- */

static struct mkms_cfs_obj *links_to_obj(struct config_item *item)
{
	return container_of(to_config_group(item), struct mkms_cfs_obj,
			    links_group);
}

/*
 * Planes and encoders link to CRTCs, connectors to encoders, of the same
 * device; only while it is disabled.
 */
static int mkms_cfs_allow_link(struct config_item *src,
			       struct config_item *target)
{
	struct mkms_cfs_obj *obj = links_to_obj(src), *to;
	enum mkms_cfs_kind want;
	unsigned int i;
	int ret = 0;

	want = obj->kind == MKMS_CFS_CONNECTOR ? MKMS_CFS_ENCODER :
						 MKMS_CFS_CRTC;
	if (target->ci_type != &mkms_cfs_obj_types[want])
		return -EINVAL;
	to = to_cfs_obj(target);
	if (to->dev != obj->dev)
		return -EINVAL;

	mutex_lock(&obj->dev->lock);
	if (list_empty(&to->node))
		ret = -EINVAL;
	for (i = 0; i < obj->num_links; i++)
		if (obj->links[i] == to)
			ret = -EEXIST;
	if (obj->dev->pdev)
		ret = -EBUSY;
	else if (!ret && obj->num_links == MKMS_CFS_MAX_LINKS)
		ret = -ENOSPC;
	if (!ret)
		obj->links[obj->num_links++] = to;
	mutex_unlock(&obj->dev->lock);
	return ret;
}

/* Forget @to among @obj's links; the caller holds the device lock. */
static void mkms_cfs_unlink(struct mkms_cfs_obj *obj, struct mkms_cfs_obj *to)
{
	unsigned int i;

	for (i = 0; i < obj->num_links; i++) {
		if (obj->links[i] != to)
			continue;
		obj->links[i] = obj->links[--obj->num_links];
		obj->links[obj->num_links] = NULL;
		return;
	}
}

static void mkms_cfs_drop_link(struct config_item *src,
			       struct config_item *target)
{
	struct mkms_cfs_obj *obj = links_to_obj(src);

	mutex_lock(&obj->dev->lock);
	mkms_cfs_unlink(obj, to_cfs_obj(target));
	mutex_unlock(&obj->dev->lock);
}

static struct configfs_item_operations mkms_cfs_links_ops = {
	.allow_link	= mkms_cfs_allow_link,
	.drop_link	= mkms_cfs_drop_link,
};

static const struct config_item_type mkms_cfs_links_type = {
	.ct_item_ops	= &mkms_cfs_links_ops,
	.ct_owner	= THIS_MODULE,
};

/* ---- The planes, crtcs, encoders and connectors groups ------------------ */

static const struct config_item_type mkms_cfs_kind_types[MKMS_CFS_KINDS];

static enum mkms_cfs_kind mkms_cfs_kind_of(struct config_group *group)
{
	return group->cg_item.ci_type - mkms_cfs_kind_types;
}

static struct config_group *mkms_cfs_make_obj(struct config_group *group,
					      const char *name)
{
	struct mkms_cfs_device *dev = to_cfs_device(group->cg_item.ci_parent);
	enum mkms_cfs_kind kind = mkms_cfs_kind_of(group);
	struct mkms_cfs_obj *obj;
	int ret = 0;

	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return ERR_PTR(-ENOMEM);
	obj->dev = dev;
	obj->kind = kind;
	obj->type = DRM_PLANE_TYPE_OVERLAY;
	obj->status = connector_status_connected;
	INIT_LIST_HEAD(&obj->node);

	mutex_lock(&dev->lock);
	if (dev->pdev)
		ret = -EBUSY;
	else if (dev->count[kind] == mkms_cfs_kind_max[kind])
		ret = -ENOSPC;
	if (!ret) {
		list_add_tail(&obj->node, &dev->objs[kind]);
		dev->count[kind]++;
	}
	mutex_unlock(&dev->lock);
	if (ret) {
		kfree(obj);
		return ERR_PTR(ret);
	}

	config_group_init_type_name(&obj->group, name,
				    &mkms_cfs_obj_types[kind]);
	if (kind != MKMS_CFS_CRTC) {
		config_group_init_type_name(&obj->links_group,
					    kind == MKMS_CFS_CONNECTOR ?
					    "possible_encoders" :
					    "possible_crtcs",
					    &mkms_cfs_links_type);
		configfs_add_default_group(&obj->links_group, &obj->group);
	}
	return &obj->group;
}

/*
 * rmdir, also of an enabled device's object: it leaves the description,
 * and whatever linked to it forgets it. The running device keeps the copy
 * it was made from.
 */
static void mkms_cfs_drop_obj(struct config_group *group,
			      struct config_item *item)
{
	struct mkms_cfs_obj *obj = to_cfs_obj(item), *pos;
	struct mkms_cfs_device *dev = obj->dev;
	enum mkms_cfs_kind kind;

	mutex_lock(&dev->lock);
	list_del_init(&obj->node);
	dev->count[obj->kind]--;
	for (kind = 0; kind < MKMS_CFS_KINDS; kind++)
		list_for_each_entry(pos, &dev->objs[kind], node)
			mkms_cfs_unlink(pos, obj);
	mutex_unlock(&dev->lock);

	configfs_remove_default_groups(&obj->group);
	config_item_put(item);
}

static struct configfs_group_operations mkms_cfs_kind_ops = {
	.make_group	= mkms_cfs_make_obj,
	.drop_item	= mkms_cfs_drop_obj,
};

static const struct config_item_type mkms_cfs_kind_types[MKMS_CFS_KINDS] = {
	[0 ... MKMS_CFS_KINDS - 1] = {
		.ct_group_ops	= &mkms_cfs_kind_ops,
		.ct_owner	= THIS_MODULE,
	},
};

/* ---- Devices ------------------------------------------------------------ */

static ssize_t mkms_cfs_enabled_show(struct config_item *item, char *page)
{
	struct mkms_cfs_device *dev = to_cfs_device(item);
	bool enabled;

	mutex_lock(&dev->lock);
	enabled = dev->pdev;
	mutex_unlock(&dev->lock);
	return sysfs_emit(page, "%d\n", enabled);
}

static ssize_t mkms_cfs_enabled_store(struct config_item *item,
				      const char *page, size_t len)
{
	struct mkms_cfs_device *dev = to_cfs_device(item);
	struct mkms_desc *desc;
	bool enable;
	const char *why;
	int ret = 0;

	if (kstrtobool(page, &enable))
		return -EINVAL;

	mutex_lock(&dev->lock);
	if (!enable) {
		mkms_cfs_disable(dev);
	} else if (!dev->pdev) {
		desc = kvmalloc(mkms_cfs_desc_size(dev), GFP_KERNEL);
		ret = desc ? mkms_cfs_build(dev, desc, &why) : -ENOMEM;
		if (ret == -EINVAL)
			pr_notice_ratelimited("mkms: %s: cannot enable: %s\n",
					      config_item_name(item), why);
		else if (!ret)
			ret = mkms_cfs_enable(dev, desc);
		kvfree(desc);
	}
	mutex_unlock(&dev->lock);

	return ret ?: len;
}

static ssize_t mkms_cfs_device_show(struct config_item *item, char *page)
{
	struct mkms_cfs_device *dev = to_cfs_device(item);
	ssize_t ret;

	mutex_lock(&dev->lock);
	ret = sysfs_emit(page, "%s\n", dev->pdev ? dev_name(&dev->pdev->dev) : "");
	mutex_unlock(&dev->lock);
	return ret;
}

MKMS_CFS_ATTR(enabled);

static struct configfs_attribute mkms_cfs_attr_device = {
	.ca_name	= "device",
	.ca_owner	= THIS_MODULE,
	.ca_mode	= 0400,
	.show		= mkms_cfs_device_show,
};

static struct configfs_attribute *mkms_cfs_device_attrs[] = {
	&mkms_cfs_attr_enabled,
	&mkms_cfs_attr_device,
	NULL
};

static void mkms_cfs_device_release(struct config_item *item)
{
	struct mkms_cfs_device *dev = to_cfs_device(item);

	mutex_destroy(&dev->lock);
	kfree(dev);
}

static struct configfs_item_operations mkms_cfs_device_ops = {
	.release	= mkms_cfs_device_release,
};

static const struct config_item_type mkms_cfs_device_type = {
	.ct_item_ops	= &mkms_cfs_device_ops,
	.ct_attrs	= mkms_cfs_device_attrs,
	.ct_owner	= THIS_MODULE,
};

static struct config_group *mkms_cfs_make_device(struct config_group *group,
						 const char *name)
{
	struct mkms_cfs_device *dev;
	enum mkms_cfs_kind kind;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	mutex_init(&dev->lock);

	config_group_init_type_name(&dev->group, name, &mkms_cfs_device_type);
	for (kind = 0; kind < MKMS_CFS_KINDS; kind++) {
		INIT_LIST_HEAD(&dev->objs[kind]);
		config_group_init_type_name(&dev->kinds[kind],
					    mkms_cfs_kind_names[kind],
					    &mkms_cfs_kind_types[kind]);
		configfs_add_default_group(&dev->kinds[kind], &dev->group);
	}
	return &dev->group;
}

/* rmdir of the whole description: an enabled device goes with it. */
static void mkms_cfs_drop_device(struct config_group *group,
				 struct config_item *item)
{
	struct mkms_cfs_device *dev = to_cfs_device(item);

	mutex_lock(&dev->lock);
	mkms_cfs_disable(dev);
	mutex_unlock(&dev->lock);
	configfs_remove_default_groups(&dev->group);
	config_item_put(item);
}

static struct configfs_group_operations mkms_cfs_root_ops = {
	.make_group	= mkms_cfs_make_device,
	.drop_item	= mkms_cfs_drop_device,
};

static const struct config_item_type mkms_cfs_root_type = {
	.ct_group_ops	= &mkms_cfs_root_ops,
	.ct_owner	= THIS_MODULE,
};

static struct configfs_subsystem mkms_cfs_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf	= MKMS_DRIVER_NAME,
			.ci_type	= &mkms_cfs_root_type,
		},
	},
};

/**
 * mkms_configfs_register - create /sys/kernel/config/mkms
 *
 * Returns: 0 or a negative errno.
 */
int mkms_configfs_register(void)
{
	config_group_init(&mkms_cfs_subsys.su_group);
	mutex_init(&mkms_cfs_subsys.su_mutex);
	return configfs_register_subsystem(&mkms_cfs_subsys);
}

/**
 * mkms_configfs_unregister - remove /sys/kernel/config/mkms
 *
 * Every description is gone by then: each directory in it holds a
 * reference to the module.
 */
void mkms_configfs_unregister(void)
{
	configfs_unregister_subsystem(&mkms_cfs_subsys);
}
